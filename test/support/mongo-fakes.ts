import { createMongoContext } from "@hoard/server/internal/store/mongo/context";
import { MongoStore } from "@hoard/server/internal/store/mongo/mongo-store";
import type { MongoTuning } from "@hoard/server/internal/store/mongo/tuning";
import {
  type MongoClient,
  type MongoError,
  MongoErrorLabel,
  MongoNetworkError,
  MongoServerError,
  ObjectId,
  type TransactionOptions,
} from "mongodb";
import { vi } from "vitest";

/**
 * Driver-shaped fakes for unit tests of the Mongo engine's own logic (no mongod runs here).
 * They are not a database: collections answer what a test scripts, errors are the driver's
 * own classes built the way the driver builds them, and the session keeps the driver's
 * transaction states (mongodb 7, ClientSession).
 */

/** Real driver errors, as the server and the driver raise them. */
export const driverError = {
  duplicateKey: () =>
    new MongoServerError({ message: "E11000 duplicate key error collection: hoard.x index: _id_", code: 11000, codeName: "DuplicateKey" }),
  /** Two transactions wrote one document; the server labels it transient. */
  writeConflict: () =>
    new MongoServerError({
      message: "Write conflict during plan execution and yielding is disabled.",
      code: 112,
      codeName: "WriteConflict",
      errorLabels: [MongoErrorLabel.TransientTransactionError],
    }),
  /** An election in the middle of a transaction. */
  notPrimary: () =>
    new MongoServerError({
      message: "not primary",
      code: 10107,
      codeName: "NotWritablePrimary",
      errorLabels: [MongoErrorLabel.TransientTransactionError],
    }),
  /** The connection dropped after commitTransaction was sent: the driver cannot know the outcome. */
  commitOutcomeUnknown: () => {
    const error = new MongoNetworkError("connection 3 to 10.0.0.5:27017 closed");
    error.addErrorLabel(MongoErrorLabel.UnknownTransactionCommitResult);
    return error;
  },
  /** A commit sent again after a failover, to a primary that never saw the transaction. */
  noSuchTransaction: () =>
    new MongoServerError({
      message: "Transaction 3 has been aborted.",
      code: 251,
      codeName: "NoSuchTransaction",
      errorLabels: [MongoErrorLabel.TransientTransactionError],
    }),
  badValue: () => new MongoServerError({ message: "bad value", code: 2, codeName: "BadValue" }),
};

/** A commit answer: undefined commits, an error fails the commit with it. */
type CommitOutcome = MongoError | undefined;

/**
 * A ClientSession's transaction API as the driver keeps its state: startTransaction refuses to
 * start inside a transaction, abortTransaction only aborts one in progress, and a failed commit
 * leaves the transaction "committed" from the session's point of view (it may be sent again, or a
 * new one started). Commits fail with the scripted errors, in order, then succeed.
 */
export class FakeSession {
  /** What happened, in order: start, abort, commit (each commit sent), end. */
  readonly events: Array<"start" | "abort" | "commit" | "end"> = [];
  private readonly commits: CommitOutcome[] = [];
  /** The options each transaction was started with. */
  readonly options: Array<TransactionOptions | undefined> = [];
  private active = false;

  /** The next commits fail with these errors, in order; later ones succeed. */
  failCommits(...errors: MongoError[]): this {
    this.commits.push(...errors);
    return this;
  }

  get starts(): number {
    return this.events.filter((event) => event === "start").length;
  }

  startTransaction(options?: TransactionOptions): void {
    if (this.active) throw new Error("FakeSession: transaction already in progress");
    this.active = true;
    this.options.push(options);
    this.events.push("start");
  }

  inTransaction(): boolean {
    return this.active;
  }

  async abortTransaction(): Promise<void> {
    if (!this.active) throw new Error("FakeSession: no transaction in progress to abort");
    this.active = false;
    this.events.push("abort");
  }

  async commitTransaction(): Promise<void> {
    this.active = false;
    this.events.push("commit");
    const failure = this.commits.shift();
    if (failure !== undefined) throw failure;
  }

  async endSession(): Promise<void> {
    this.events.push("end");
  }
}

/**
 * A clock whose time moves only when the runner sleeps: a retry budget in tests is spent by the
 * pauses it asks for, never by wall-clock time.
 */
export class FakeClock {
  time = 0;
  readonly pauses: number[] = [];
  now = (): number => this.time;
  sleep = async (ms: number): Promise<void> => {
    this.pauses.push(ms);
    this.time += ms;
  };
}

/** A cursor as find() and aggregate() return it: toArray, or iterated; each read hands out copies. */
export function cursor<T>(docs: T[]) {
  return {
    toArray: async () => docs.map((doc) => structuredClone(doc)),
    async *[Symbol.asyncIterator]() {
      for (const doc of docs) yield structuredClone(doc);
    },
  };
}

/** insertMany as the driver does it: documents without an `_id` get one, on the objects given. */
export function setIds(docs: Array<{ _id?: unknown }>) {
  for (const doc of docs) doc._id ??= new ObjectId();
  return { acknowledged: true, insertedCount: docs.length };
}

/** `op_results` with nothing stored: every op runs, and its result insert succeeds. */
export function fakeOpResults() {
  return {
    findOne: vi.fn(async (_filter: unknown, _options?: unknown): Promise<unknown> => null),
    insertOne: vi.fn(async (_doc: unknown, _options?: unknown): Promise<unknown> => ({ acknowledged: true })),
    replaceOne: vi.fn(async (_filter: unknown, _doc: unknown, _options?: unknown): Promise<unknown> => ({ matchedCount: 1 })),
    updateMany: vi.fn(async (_filter: unknown, _update: unknown): Promise<unknown> => ({ modifiedCount: 0 })),
  };
}

const FAKE_PAUSE_MS = 10;

/**
 * A MongoStore on a fake client: `db().collection(name)` hands out the given fakes (an empty
 * object for any other name, so a test that touches an unscripted collection fails loudly), and
 * every transaction runs on one FakeSession. Retries wait on a FakeClock: each pause is 10 ms of
 * fake time and the budget lets exactly `maxAttempts` attempts (or commit sends) run.
 */
export function fakeMongoStore(collections: Record<string, object>, options: { maxAttempts?: number; tuning?: MongoTuning } = {}) {
  const session = new FakeSession();
  const clock = new FakeClock();
  const client = {
    db: () => ({ collection: (name: string) => collections[name] ?? {} }),
    startSession: () => session,
    close: vi.fn(async () => {}),
  };
  const context = createMongoContext({
    client: client as unknown as MongoClient,
    database: "hoard",
    policy: { budgetMs: ((options.maxAttempts ?? 4) - 1) * FAKE_PAUSE_MS, backoffMs: () => FAKE_PAUSE_MS },
    clock,
    ...(options.tuning ? { tuning: options.tuning } : {}),
  });
  return { store: new MongoStore(context), session, client, clock };
}
