import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../config";
import { openEmbeddedStore, openStore } from "./open";

const base = { HOARD_DB: ":memory:" };
/** Nothing listens on port 1: the connection is refused at once. */
const nowhere = "mongodb://127.0.0.1:1/?serverSelectionTimeoutMS=300";

describe("openStore", () => {
  it("opens the embedded store when MONGODB_URL is unset", async () => {
    const store = await openStore(loadConfig(base));

    expect(store.engine).toBe("sqlite");
    await store.close();
  });

  it("selects MongoDB when MONGODB_URL is set, and says plainly when it cannot connect", async () => {
    const failure = await openStore(loadConfig({ ...base, MONGODB_URL: nowhere })).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(ConfigError);
    expect((failure as ConfigError).message).toMatch(
      /^MONGODB_URL: cannot connect to MongoDB \(.+\): start it, or fix or unset MONGODB_URL$/,
    );
  });

  it("refuses to open a local file in place of the MongoDB the configuration asks for", () => {
    expect(() => openEmbeddedStore(loadConfig({ ...base, MONGODB_URL: nowhere }))).toThrow(ConfigError);
  });
});
