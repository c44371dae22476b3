import { HoardError } from "@hoard/protocol";
import { MongoBulkWriteError, MongoInvalidArgumentError, MongoServerError, MongoServerSelectionError } from "mongodb";
import { describe, expect, it } from "vitest";
import { driverError } from "../../../../test/support/mongo-fakes";
import { GuardConflict, isCommitOutcomeUnknown, isConflict, isDuplicateKey, retriesExhausted, storeError, VersionConflict } from "./errors";

describe("driver error classification", () => {
  it("finds E11000 on a single write and inside a bulk write's write errors, and nowhere else", () => {
    const bulk = new MongoBulkWriteError(
      { message: "E11000 in batch", code: 11000, writeErrors: [] },
      {} as ConstructorParameters<typeof MongoBulkWriteError>[1],
    );
    const bulkByWriteError = Object.assign(driverError.badValue(), { writeErrors: [{ code: 11000, index: 2 }] });

    expect(isDuplicateKey(driverError.duplicateKey())).toBe(true);
    expect(isDuplicateKey(bulk)).toBe(true);
    expect(isDuplicateKey(bulkByWriteError)).toBe(true);
    expect(isDuplicateKey(driverError.writeConflict())).toBe(false);
    // Only the driver's errors: a plain object that says 11000 is not trusted.
    expect(isDuplicateKey({ code: 11000 })).toBe(false);
  });

  it("calls both our compare-and-set miss and the server's WriteConflict a conflict", () => {
    expect(isConflict(new VersionConflict("alice"))).toBe(true);
    expect(isConflict(new GuardConflict("trade-offer/abc"))).toBe(true);
    expect(isConflict(driverError.writeConflict())).toBe(true);
    expect(isConflict(driverError.notPrimary())).toBe(false);
    expect(isConflict(driverError.duplicateKey())).toBe(false);
  });

  it("sees an unknown commit outcome on the driver error and on the STORE_UNAVAILABLE that wraps it", () => {
    const unknown = driverError.commitOutcomeUnknown();

    expect(isCommitOutcomeUnknown(unknown)).toBe(true);
    expect(isCommitOutcomeUnknown(storeError(unknown))).toBe(true);
    expect(isCommitOutcomeUnknown(driverError.notPrimary())).toBe(false);
    expect(isCommitOutcomeUnknown(new HoardError("STORE_UNAVAILABLE"))).toBe(false);
  });
});

describe("storeError", () => {
  it.each([
    ["a write conflict", driverError.writeConflict(), "PLAYER_CONFLICT"],
    ["our version conflict", new VersionConflict("alice"), "PLAYER_CONFLICT"],
    ["an election", driverError.notPrimary(), "STORE_UNAVAILABLE"],
    ["an unknown commit outcome", driverError.commitOutcomeUnknown(), "STORE_UNAVAILABLE"],
    [
      "a query past its maxTimeMS",
      new MongoServerError({ message: "operation exceeded time limit", code: 50, codeName: "MaxTimeMSExpired" }),
      "STORE_UNAVAILABLE",
    ],
    [
      "a write not confirmed by a majority within wtimeout",
      new MongoServerError({ message: "waiting for replication timed out", code: 64, codeName: "WriteConcernFailed" }),
      "STORE_UNAVAILABLE",
    ],
    ["no server to select", new MongoServerSelectionError("Server selection timed out after 30000 ms", {} as never), "STORE_UNAVAILABLE"],
  ])("maps %s to %s with the driver error as cause", (_name, error, code) => {
    const mapped = storeError(error);

    expect(mapped).toBeInstanceOf(HoardError);
    expect(mapped).toMatchObject({ code, cause: error });
  });

  it.each([
    [
      "BSONObjectTooLarge",
      new MongoServerError({ message: "BSONObj size: 17825792 is invalid", code: 10334, codeName: "BSONObjectTooLarge" }),
    ],
    [
      "an insert past 16 MiB",
      new MongoServerError({
        message: "object to insert too large. size in bytes: 17825792, max size: 16777216",
        code: 2,
        codeName: "BadValue",
      }),
    ],
    [
      "an update whose result is too large",
      new MongoServerError({ message: "Resulting document after update is larger than 16777216", code: 17419 }),
    ],
    ["the driver's own refusal", new MongoInvalidArgumentError("Document is larger than the maximum size 16777216")],
  ])("maps %s to the typed limit PLAYER_STATE_LIMIT_EXCEEDED, keeping the cause", (_name, error) => {
    expect(storeError(error)).toMatchObject({ code: "PLAYER_STATE_LIMIT_EXCEEDED", status: 422, cause: error });
  });

  it("names the player of a version conflict, and the document of a guard conflict", () => {
    expect(storeError(new VersionConflict("alice"))).toMatchObject({ details: { playerId: "alice" } });
    expect(storeError(new GuardConflict("trade-feed/alice"))).toMatchObject({
      code: "PLAYER_CONFLICT",
      details: { guard: "trade-feed/alice" },
    });
    expect(retriesExhausted(new GuardConflict("trade-feed/alice"), 3)).toMatchObject({
      message: "gave up after 3 attempts: trade-feed/alice changed concurrently",
    });
  });

  it("passes HoardErrors, bugs and other server errors through as they are", () => {
    for (const error of [new HoardError("PLAYER_EXISTS"), new TypeError("a bug"), driverError.badValue(), driverError.duplicateKey()]) {
      expect(storeError(error)).toBe(error);
    }
  });

  it("after the last attempt: PLAYER_CONFLICT for conflicts, STORE_UNAVAILABLE for anything else or nothing known", () => {
    expect(retriesExhausted(new VersionConflict("bob"), 10)).toMatchObject({ code: "PLAYER_CONFLICT", details: { playerId: "bob" } });
    expect(retriesExhausted(driverError.notPrimary(), 10)).toMatchObject({ code: "STORE_UNAVAILABLE" });
    expect(retriesExhausted(undefined, 10)).toMatchObject({ code: "STORE_UNAVAILABLE", message: expect.stringContaining("10 attempts") });
  });
});
