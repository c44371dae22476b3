import { HoardError } from "@hoard/protocol";
import { MongoErrorLabel, MongoServerError } from "mongodb";
import { afterEach, describe, expect, it, vi } from "vitest";
import { driverError, FakeClock, FakeSession } from "../../../../test/support/mongo-fakes";
import { VersionConflict } from "./errors";
import { defaultRetryPolicy, type RetryPolicy, retryPolicy, runTransaction } from "./transaction";

/** A body that fails with the given errors, in order, then returns "done" with its attempt number. */
function failing(...errors: unknown[]) {
  const attempts: number[] = [];
  return {
    attempts,
    body: async (attempt: number) => {
      attempts.push(attempt);
      const error = errors.shift();
      if (error !== undefined) throw error;
      return `done on attempt ${attempt}`;
    },
  };
}

/** Pauses of `attempt * 10` ms of fake time, within `budgetMs`. */
function policy(budgetMs: number): RetryPolicy {
  return { budgetMs, backoffMs: (attempt) => attempt * 10 };
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error("expected a rejection");
    },
    (error: unknown) => error,
  );
}

/** maxTimeMS spent on commitTransaction: the driver labels it an unknown outcome. */
function commitTimedOut() {
  return new MongoServerError({
    message: "operation exceeded time limit",
    code: 50,
    codeName: "MaxTimeMSExpired",
    errorLabels: [MongoErrorLabel.UnknownTransactionCommitResult],
  });
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("runTransaction", () => {
  it("runs the body once and resolves to its value when the commit succeeds, with the options given", async () => {
    const session = new FakeSession();
    const { body, attempts } = failing();
    const options = { readConcern: { level: "snapshot" as const }, maxCommitTimeMS: 1234 };

    await expect(runTransaction({ session, body, policy: policy(100), options, clock: new FakeClock() })).resolves.toBe(
      "done on attempt 1",
    );

    expect(attempts).toEqual([1]);
    expect(session.events).toEqual(["start", "commit"]);
    expect(session.options).toEqual([options]);
  });

  it("runs the body again, after a pause, on a TransientTransactionError (an election, a server write conflict)", async () => {
    const session = new FakeSession();
    const clock = new FakeClock();
    const { body, attempts } = failing(driverError.notPrimary(), driverError.writeConflict());

    await expect(runTransaction({ session, body, policy: policy(1000), clock })).resolves.toBe("done on attempt 3");

    expect(attempts).toEqual([1, 2, 3]);
    expect(clock.pauses).toEqual([10, 20]);
    expect(session.events).toEqual(["start", "abort", "start", "abort", "start", "commit"]);
  });

  it("reruns the whole transaction when the commit fails transiently, and sends an unknown commit again without rerunning", async () => {
    const session = new FakeSession().failCommits(driverError.writeConflict(), driverError.commitOutcomeUnknown());
    const { body, attempts } = failing();

    await expect(runTransaction({ session, body, policy: policy(1000), clock: new FakeClock() })).resolves.toBe("done on attempt 2");

    // The unknown outcome sent the same commit again: the body did not run a third time.
    expect(attempts).toEqual([1, 2]);
    expect(session.events).toEqual(["start", "commit", "start", "commit", "commit"]);
  });

  it("starts a fresh transaction after a VersionConflict, pausing by the policy first", async () => {
    const session = new FakeSession();
    const clock = new FakeClock();
    const { body, attempts } = failing(new VersionConflict("alice"), new VersionConflict("alice"));

    await expect(runTransaction({ session, body, policy: policy(1000), clock })).resolves.toBe("done on attempt 3");

    expect(attempts).toEqual([1, 2, 3]);
    expect(clock.pauses).toEqual([10, 20]);
    expect(session.starts).toBe(3);
  });

  it("by default waits out conflicts for seconds, as the embedded engine's busy timeout does, not for a fixed count", async () => {
    // Another node holds the player for 3 s of (fake) time: every attempt before that conflicts.
    const session = new FakeSession();
    const clock = new FakeClock();
    let attempts = 0;
    const body = async () => {
      attempts += 1;
      if (clock.time < 3000) throw driverError.writeConflict();
      return "done";
    };

    await expect(runTransaction({ session, body, policy: defaultRetryPolicy, clock })).resolves.toBe("done");
    expect(attempts).toBeGreaterThan(10);
  });

  it("gives up with PLAYER_CONFLICT once the time budget is spent, naming the player and keeping the cause", async () => {
    const session = new FakeSession();
    const clock = new FakeClock();
    const last = new VersionConflict("alice");
    const { body, attempts } = failing(new VersionConflict("alice"), driverError.writeConflict(), new VersionConflict("alice"), last);

    // Pauses of 10, 20, 30 fit in 60 ms; the fourth (40) would not.
    const error = await rejection(runTransaction({ session, body, policy: policy(60), clock }));

    expect(attempts).toEqual([1, 2, 3, 4]);
    expect(clock.pauses).toEqual([10, 20, 30]);
    expect(error).toMatchObject({ code: "PLAYER_CONFLICT", details: { playerId: "alice" }, cause: last });
  });

  it("gives up with PLAYER_CONFLICT when server write conflicts outlast the budget", async () => {
    const session = new FakeSession();
    const { body, attempts } = failing(...Array.from({ length: 10 }, () => driverError.writeConflict()));

    const error = await rejection(runTransaction({ session, body, policy: policy(30), clock: new FakeClock() }));

    expect(attempts).toEqual([1, 2, 3]);
    expect(error).toMatchObject({ code: "PLAYER_CONFLICT" });
    expect((error as HoardError).cause).toMatchObject({ code: 112 });
  });

  it("gives up with STORE_UNAVAILABLE when the transaction keeps failing for another reason", async () => {
    const session = new FakeSession();
    const { body, attempts } = failing(...Array.from({ length: 10 }, () => driverError.notPrimary()));

    const error = await rejection(runTransaction({ session, body, policy: policy(10), clock: new FakeClock() }));

    expect(attempts).toEqual([1, 2]);
    expect(error).toBeInstanceOf(HoardError);
    expect(error).toMatchObject({
      code: "STORE_UNAVAILABLE",
      message: expect.stringContaining("after 2 attempts"),
      cause: { code: 10107 },
    });
  });

  it("sends an unknown commit again only within the budget, then STORE_UNAVAILABLE keeping the driver error", async () => {
    const unknown = driverError.commitOutcomeUnknown();
    const session = new FakeSession().failCommits(unknown, unknown, unknown, unknown);
    const { body, attempts } = failing();

    const error = await rejection(runTransaction({ session, body, policy: policy(30), clock: new FakeClock() }));

    expect(attempts).toEqual([1]);
    expect(session.events).toEqual(["start", "commit", "commit", "commit"]);
    expect(error).toMatchObject({ code: "STORE_UNAVAILABLE", cause: unknown });
  });

  it("does not send a commit again once the server's maxCommitTimeMS was spent", async () => {
    const timedOut = commitTimedOut();
    const session = new FakeSession().failCommits(timedOut);
    const { body } = failing();

    const error = await rejection(runTransaction({ session, body, policy: policy(1000), clock: new FakeClock() }));

    expect(session.events).toEqual(["start", "commit"]);
    expect(error).toMatchObject({ code: "STORE_UNAVAILABLE", cause: timedOut });
  });

  it("does not retry a refusal from the rules or a bug: the same error comes back, after one run", async () => {
    for (const thrown of [new HoardError("WALLET_INSUFFICIENT_FUNDS"), new Error("a bug"), driverError.badValue()]) {
      const session = new FakeSession();
      const { body, attempts } = failing(thrown);

      expect(await rejection(runTransaction({ session, body, policy: policy(1000), clock: new FakeClock() }))).toBe(thrown);
      expect(attempts).toEqual([1]);
      expect(session.events).toEqual(["start", "abort"]);
    }
  });
});

describe("retryPolicy", () => {
  it("pauses a random part of a cap that grows with the attempt, up to 250 ms (full jitter)", () => {
    const random = vi.spyOn(Math, "random");
    const { backoffMs } = retryPolicy(5000);
    random.mockReturnValue(0.5);
    expect([1, 2, 3, 10].map(backoffMs)).toEqual([5, 10, 20, 125]);
    random.mockReturnValue(0);
    expect(backoffMs(10)).toBe(0);
  });
});
