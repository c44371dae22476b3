import { createMongoContext } from "@hoard/server/store/mongo/context";
import { MongoStore } from "@hoard/server/store/mongo/mongo-store";
import { type MongoClient, MongoError, MongoErrorLabel, MongoNetworkError, MongoServerError, ObjectId } from "mongodb";
import { vi } from "vitest";

/**
 * Driver-shaped fakes for unit tests of the Mongo engine's own logic (no mongod runs here).
 * They are not a database: collections answer what a test scripts, errors are the driver's
 * own classes built the way the driver builds them, and the session's withTransaction follows
 * the driver's documented loop (mongodb 7, ClientSession.withTransaction).
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
  badValue: () => new MongoServerError({ message: "bad value", code: 2, codeName: "BadValue" }),
};

/** A commit answer: undefined commits, an error fails the commit with it. */
type CommitOutcome = MongoError | undefined;

/**
 * A ClientSession's withTransaction, following the driver's loop: start; run the callback; on a
 * callback error abort, and run again when it carries TransientTransactionError; commit, retrying
 * the commit on UnknownTransactionCommitResult and running everything again on
 * TransientTransactionError. The driver's 120 s limit is `giveUpAfterCommitRetries`: after that
 * many commit retries it throws the last commit error, as the driver does when time runs out.
 */
export class FakeSession {
  /** What happened, in order: start, abort, commit (each commit try). */
  readonly events: Array<"start" | "abort" | "commit" | "end"> = [];
  private readonly commits: CommitOutcome[] = [];

  constructor(private readonly options: { giveUpAfterCommitRetries?: number } = {}) {}

  /** The next commits fail with these errors, in order; later ones succeed. */
  failCommits(...errors: MongoError[]): this {
    this.commits.push(...errors);
    return this;
  }

  get starts(): number {
    return this.events.filter((event) => event === "start").length;
  }

  async withTransaction<T>(fn: () => Promise<T>): Promise<T> {
    let commitRetries = 0;
    attempts: for (let attempt = 0; attempt < 1000; attempt += 1) {
      this.events.push("start");
      let result: T;
      try {
        result = await fn();
      } catch (error) {
        this.events.push("abort");
        if (error instanceof MongoError && error.hasErrorLabel(MongoErrorLabel.TransientTransactionError)) continue;
        throw error;
      }
      for (;;) {
        this.events.push("commit");
        const failure = this.commits.shift();
        if (failure === undefined) return result;
        if (failure.hasErrorLabel(MongoErrorLabel.UnknownTransactionCommitResult)) {
          commitRetries += 1;
          if (commitRetries > (this.options.giveUpAfterCommitRetries ?? 1000)) throw failure;
          continue;
        }
        if (failure.hasErrorLabel(MongoErrorLabel.TransientTransactionError)) continue attempts;
        throw failure;
      }
    }
    throw new Error("FakeSession: withTransaction looped 1000 times");
  }

  async endSession(): Promise<void> {
    this.events.push("end");
  }
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

/**
 * A MongoStore on a fake client: `db().collection(name)` hands out the given fakes (an empty
 * object for any other name, so a test that touches an unscripted collection fails loudly), and
 * every transaction runs on one FakeSession. Retries do not wait.
 */
export function fakeMongoStore(
  collections: Record<string, object>,
  options: { maxAttempts?: number; giveUpAfterCommitRetries?: number } = {},
) {
  const session = new FakeSession({ giveUpAfterCommitRetries: options.giveUpAfterCommitRetries ?? 1000 });
  const client = {
    db: () => ({ collection: (name: string) => collections[name] ?? {} }),
    startSession: () => session,
    close: vi.fn(async () => {}),
  };
  const context = createMongoContext({
    client: client as unknown as MongoClient,
    database: "hoard",
    policy: { maxAttempts: options.maxAttempts ?? 4, conflictBackoffMs: () => 0 },
  });
  return { store: new MongoStore(context), session, client };
}
