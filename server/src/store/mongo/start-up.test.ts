import { MongoServerSelectionError } from "mongodb";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../config";
import { checkServer } from "./mongo-store";

/** A client whose `hello` answers or fails as given (the real check against a server is the kit's). */
function clientAnswering(hello: () => Promise<unknown>) {
  return { db: () => ({ command: hello }) } as never;
}

describe("the start-up check of the server writes go to", () => {
  it("says in one line that no primary answered, keeping the driver's error as cause", async () => {
    const selection = new MongoServerSelectionError(
      "Server selection timed out after 5000 ms\n  mongo1:27017 (RSSecondary)\n  mongo2:27017 (Unknown)",
      {} as never,
    );

    const failure = await checkServer(clientAnswering(() => Promise.reject(selection))).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(ConfigError);
    expect((failure as ConfigError).message).toBe(
      "MONGODB_URL: no writable MongoDB primary answered (Server selection timed out after 5000 ms mongo1:27017 (RSSecondary) mongo2:27017 (Unknown))",
    );
    expect((failure as ConfigError).cause).toBe(selection);
  });

  it("refuses a secondary reached with directConnection=true, and accepts the primary", async () => {
    const secondary = { isWritablePrimary: false, secondary: true, setName: "rs0", me: "mongo2:27017", maxWireVersion: 21 };
    const primary = { ...secondary, isWritablePrimary: true, secondary: false, me: "mongo1:27017" };

    await expect(checkServer(clientAnswering(async () => secondary))).rejects.toThrow(/mongo2:27017.*not its writable primary/);
    await expect(checkServer(clientAnswering(async () => primary))).resolves.toBeUndefined();
  });
});
