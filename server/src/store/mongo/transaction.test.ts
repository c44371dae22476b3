import { HoardError } from "@hoard/protocol";
import { describe, expect, it } from "vitest";
import { driverError, FakeSession } from "../../../../test/support/mongo-fakes";
import { VersionConflict } from "./errors";
import { type RetryPolicy, runTransaction } from "./transaction";

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

function policy(maxAttempts: number): RetryPolicy & { pauses: number[] } {
  const pauses: number[] = [];
  return { maxAttempts, pauses, conflictBackoffMs: (attempt) => attempt * 10 };
}

/** Records the pauses asked for instead of waiting. */
function recordSleep(pauses: number[]) {
  return async (ms: number) => {
    pauses.push(ms);
  };
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error("expected a rejection");
    },
    (error: unknown) => error,
  );
}

describe("runTransaction", () => {
  it("runs the body once and resolves to its value when the commit succeeds", async () => {
    const session = new FakeSession();
    const { body, attempts } = failing();

    await expect(runTransaction({ session, body, policy: policy(5) })).resolves.toBe("done on attempt 1");

    expect(attempts).toEqual([1]);
    expect(session.events).toEqual(["start", "commit"]);
  });

  it("runs the body again after a TransientTransactionError (the driver's rerun), then succeeds", async () => {
    const session = new FakeSession();
    const { body, attempts } = failing(driverError.notPrimary(), driverError.writeConflict());

    await expect(runTransaction({ session, body, policy: policy(5) })).resolves.toBe("done on attempt 3");

    expect(attempts).toEqual([1, 2, 3]);
    expect(session.events).toEqual(["start", "abort", "start", "abort", "start", "commit"]);
  });

  it("reruns the whole transaction when the commit fails transiently, and retries an unknown commit without rerunning", async () => {
    const session = new FakeSession().failCommits(driverError.writeConflict(), driverError.commitOutcomeUnknown());
    const { body, attempts } = failing();

    await expect(runTransaction({ session, body, policy: policy(5) })).resolves.toBe("done on attempt 2");

    // The unknown outcome retried the same commit: the body did not run a third time.
    expect(attempts).toEqual([1, 2]);
    expect(session.events).toEqual(["start", "commit", "start", "commit", "commit"]);
  });

  it("starts a fresh transaction after a VersionConflict, pausing by the policy first", async () => {
    const session = new FakeSession();
    const retry = policy(5);
    const { body, attempts } = failing(new VersionConflict("alice"), new VersionConflict("alice"));

    const value = await runTransaction({ session, body, policy: retry, sleep: recordSleep(retry.pauses) });

    expect(value).toBe("done on attempt 3");
    expect(attempts).toEqual([1, 2, 3]);
    expect(retry.pauses).toEqual([10, 20]);
    expect(session.starts).toBe(3);
  });

  it("counts the driver's reruns and its own against one budget", async () => {
    const session = new FakeSession();
    const retry = policy(3);
    const { body, attempts } = failing(driverError.writeConflict(), new VersionConflict("alice"), driverError.notPrimary());

    const error = await rejection(runTransaction({ session, body, policy: retry, sleep: recordSleep(retry.pauses) }));

    expect(attempts).toEqual([1, 2, 3]);
    expect(error).toBeInstanceOf(HoardError);
    expect(error).toMatchObject({ code: "STORE_UNAVAILABLE", message: expect.stringContaining("after 3 attempts") });
  });

  it("gives up with PLAYER_CONFLICT when players keep changing, naming the player and keeping the cause", async () => {
    const session = new FakeSession();
    const retry = policy(4);
    const last = new VersionConflict("alice");
    const { body, attempts } = failing(new VersionConflict("alice"), driverError.writeConflict(), new VersionConflict("alice"), last);

    const error = await rejection(runTransaction({ session, body, policy: retry, sleep: recordSleep(retry.pauses) }));

    expect(attempts).toEqual([1, 2, 3, 4]);
    expect(error).toMatchObject({ code: "PLAYER_CONFLICT", details: { playerId: "alice" }, cause: last });
  });

  it("gives up with PLAYER_CONFLICT when the driver's reruns for write conflicts use up the budget", async () => {
    const session = new FakeSession();
    const { body, attempts } = failing(...Array.from({ length: 10 }, () => driverError.writeConflict()));

    const error = await rejection(runTransaction({ session, body, policy: policy(3) }));

    expect(attempts).toEqual([1, 2, 3]);
    expect(error).toMatchObject({ code: "PLAYER_CONFLICT" });
    expect((error as HoardError).cause).toMatchObject({ code: 112 });
  });

  it("gives up with STORE_UNAVAILABLE when the transaction keeps failing for another reason", async () => {
    const session = new FakeSession();
    const { body, attempts } = failing(...Array.from({ length: 10 }, () => driverError.notPrimary()));

    const error = await rejection(runTransaction({ session, body, policy: policy(2) }));

    expect(attempts).toEqual([1, 2]);
    expect(error).toMatchObject({ code: "STORE_UNAVAILABLE", cause: { code: 10107 } });
  });

  it("maps an unknown commit outcome the driver gave up on to STORE_UNAVAILABLE, keeping the driver error", async () => {
    const unknown = driverError.commitOutcomeUnknown();
    const session = new FakeSession({ giveUpAfterCommitRetries: 2 }).failCommits(unknown, unknown, unknown);
    const { body, attempts } = failing();

    const error = await rejection(runTransaction({ session, body, policy: policy(5) }));

    expect(attempts).toEqual([1]);
    expect(error).toMatchObject({ code: "STORE_UNAVAILABLE", cause: unknown });
  });

  it("does not retry a refusal from the rules or a bug: the same error comes back, after one run", async () => {
    for (const thrown of [new HoardError("WALLET_INSUFFICIENT_FUNDS"), new Error("a bug"), driverError.badValue()]) {
      const session = new FakeSession();
      const { body, attempts } = failing(thrown);

      expect(await rejection(runTransaction({ session, body, policy: policy(5) }))).toBe(thrown);
      expect(attempts).toEqual([1]);
      expect(session.events).toEqual(["start", "abort"]);
    }
  });
});
