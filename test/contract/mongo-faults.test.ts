import { openMongoStore } from "@hoard/server/internal/store/mongo/mongo-store";
import type { Store } from "@hoard/server/internal/store/port";
import { type Document, MongoClient, MongoNetworkError } from "mongodb";
import { afterAll, describe, expect, it } from "vitest";
import { type Acked, creditUntilAcked } from "../support/credits";
import { expectLedger, freshDatabase, mongoUrl, reportNotRun } from "../support/mongo-kit";
import { createPlayers } from "../support/workers";

/**
 * The MongoDB verification kit, faults: bursts of credits from two stores (two nodes) on the
 * same players while the server injects failures (`failCommand` fail points, which need
 * `--setParameter enableTestCommands=1`) or the primary steps down (which needs three members).
 * Whatever fails on the way, every burst must end with exact totals, contiguous versions, every
 * acked op in the log once, and no caller told `replayed: true` for its own first call.
 * Each part that cannot run here registers a skipped test whose name says "not run", and why.
 */

const FAULTS = "fault tests (failCommand)";
const STEP_DOWN = "step-down test (replSetStepDown during a burst)";

if (!mongoUrl) {
  reportNotRun(FAULTS);
  reportNotRun(STEP_DOWN);
} else {
  const url = mongoUrl;
  // A client of the kit's own (appName "hoard-kit"): fail points below fail only the engine's commands (appName "hoard").
  const admin = new MongoClient(url, { appName: "hoard-kit" });
  afterAll(() => admin.close());
  const can = await capabilities(admin);

  /** Two stores on one fresh database, its players created; closes and drops after `body`. */
  const withTwoNodes = async (label: string, players: string[], body: (stores: Store[]) => Promise<void>) => {
    const { database, drop } = freshDatabase(url, label);
    const stores = [await openMongoStore({ url, database }), await openMongoStore({ url, database })];
    try {
      await createPlayers(stores[0] as Store, players);
      await body(stores);
    } finally {
      await Promise.allSettled(stores.map((store) => store.close()));
      await drop();
    }
  };

  /** Sets the failCommand fail point for the engine's commands, runs `during`, and always turns it off. */
  const withFailPoint = async (mode: Document, data: Document, during: () => Promise<void>) => {
    await admin.db("admin").command({ configureFailPoint: "failCommand", mode, data: { appName: "hoard", ...data } });
    try {
      await during();
    } finally {
      const off = await admin.db("admin").command({ configureFailPoint: "failCommand", mode: "off" });
      console.info(`MongoDB fault tests: failCommand ${JSON.stringify(data)} entered ${String(off.count)} times`);
    }
  };

  const players = ["f-1", "f-2"];

  if (can.failPoints) reportNotRun(FAULTS, can.failPoints);
  else {
    describe("MongoDB under injected faults (failCommand)", () => {
      const cases: Array<[string, Document, Document]> = [
        [
          "WriteConflict on updates",
          { times: 25 },
          { failCommands: ["update"], errorCode: 112, errorLabels: ["TransientTransactionError"] },
        ],
        ["a closed connection on commitTransaction", { times: 4 }, { failCommands: ["commitTransaction"], closeConnection: true }],
        [
          "a write-concern error on commitTransaction (the commit applied; its outcome unknown to the caller)",
          { times: 4 },
          {
            failCommands: ["commitTransaction"],
            writeConcernError: {
              code: 64,
              codeName: "WriteConcernFailed",
              errmsg: "waiting for replication timed out",
              errInfo: { wtimeout: true },
            },
          },
        ],
      ];
      for (const [name, mode, data] of cases) {
        it(`keeps every acked op exactly once through ${name}`, async () => {
          await withTwoNodes("faults", players, async (stores) => {
            let outcome: Burst | undefined;
            await withFailPoint(mode, data, async () => {
              outcome = await burst(stores, players, 60, "fault");
            });
            if (!outcome) throw new Error("the burst did not run");
            await expectLedger(stores[0] as Store, outcome.acked);
            expect(outcome.results.filter((acked) => acked.firstCallReplayed)).toEqual([]);
          });
        }, 120_000);
      }
    });
  }

  if (can.stepDown) reportNotRun(STEP_DOWN, can.stepDown);
  else {
    describe("MongoDB through a failover", () => {
      it("keeps every acked op exactly once through a replSetStepDown during a burst", async () => {
        await withTwoNodes("stepdown", players, async (stores) => {
          let started: () => void = () => {};
          const underway = new Promise<void>((resolve) => {
            started = resolve;
          });
          const running = burst(stores, players, 200, "stepdown", { maxCalls: 240, pauseMs: 250, onAck: (n) => n === 20 && started() });
          await underway;
          // The primary hands over to a caught-up secondary; the engine's connections may be dropped.
          await admin
            .db("admin")
            .command({ replSetStepDown: 20, secondaryCatchUpPeriodSecs: 10 })
            .catch((error: unknown) => {
              if (!(error instanceof MongoNetworkError)) throw error;
            });
          const outcome = await running;

          await expectLedger(stores[0] as Store, outcome.acked);
          expect(outcome.results.filter((acked) => acked.firstCallReplayed)).toEqual([]);
          console.info(`MongoDB step-down test: ${outcome.results.filter((acked) => acked.calls > 1).length} of 200 ops needed a retry`);
        });
      }, 180_000);
    });
  }
}

interface Burst {
  /** Per player, the `worker/opId` of each acked credit. */
  acked: Map<string, string[]>;
  results: Acked[];
}

/** `count` credits at once from the stores in turn over the players, each called again with its op id until acked. */
async function burst(
  stores: Store[],
  players: string[],
  count: number,
  label: string,
  options: { maxCalls?: number; pauseMs?: number; onAck?: (acked: number) => void } = {},
): Promise<Burst> {
  const acked = new Map(players.map((id) => [id, [] as string[]]));
  let done = 0;
  const results = await Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const worker = `node-${i % stores.length}`;
      const playerId = players[i % players.length] as string;
      const opId = `${label}-${i}`;
      const result = await creditUntilAcked(stores[i % stores.length] as Store, { worker, playerId, opId }, options);
      acked.get(playerId)?.push(`${worker}/${opId}`);
      done += 1;
      options.onAck?.(done);
      return result;
    }),
  );
  return { acked, results };
}

/** What the server allows: a reason each part cannot run, or undefined when it can. */
async function capabilities(admin: MongoClient): Promise<{ failPoints: string | undefined; stepDown: string | undefined }> {
  const hello = await admin.db("admin").command({ hello: 1 });
  let failPoints: string | undefined;
  try {
    await admin.db("admin").command({ configureFailPoint: "failCommand", mode: "off" });
  } catch (error) {
    failPoints = `the server refuses failCommand (${error instanceof Error ? error.message : String(error)}): start mongod with --setParameter enableTestCommands=1`;
  }
  const members = Array.isArray(hello.hosts) ? hello.hosts.length : 0;
  const stepDown =
    hello.msg === "isdbgrid"
      ? "MONGODB_URL is a mongos: step a shard's primary down by hand"
      : members < 3
        ? `the replica set has ${members} data-bearing member(s); a step-down needs 3`
        : undefined;
  return { failPoints, stepDown };
}
