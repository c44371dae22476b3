import { decodeProtectedHeader, jwtVerify } from "jose";
import { describe, expect, it } from "vitest";
import { HoardError } from "./errors.js";
import { mintToken } from "./tokens.js";

const secret = "a-game-backend-secret-of-at-least-32-chars";
const key = new TextEncoder().encode(secret);
const now = () => Math.floor(Date.now() / 1000);

/** Verified as a node verifies: HS256 only, with the same secret. */
const claimsOf = async (token: string) => (await jwtVerify(token, key, { algorithms: ["HS256"] })).payload;

async function refusal(options: Parameters<typeof mintToken>[0]): Promise<HoardError> {
  const error = await mintToken(options).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(HoardError);
  return error as HoardError;
}

describe("mintToken", () => {
  it("signs HS256 with sub, role and iat, and exp from a time span", async () => {
    const before = now();
    const token = await mintToken({ secret, sub: "alice", role: "player", expiresIn: "1h" });

    expect(decodeProtectedHeader(token)).toEqual({ alg: "HS256" });
    const claims = await claimsOf(token);
    expect(claims).toMatchObject({ sub: "alice", role: "player" });
    expect(claims.iat).toBeGreaterThanOrEqual(before);
    expect(claims.exp).toBeGreaterThanOrEqual(before + 3600);
    expect(claims.exp).toBeLessThanOrEqual(now() + 3600);
  });

  it("reads a number as seconds from now, not as an instant", async () => {
    const before = now();
    const { exp } = await claimsOf(await mintToken({ secret, sub: "alice", role: "player", expiresIn: 90 }));

    expect(exp).toBeGreaterThanOrEqual(before + 90);
    expect(exp).toBeLessThanOrEqual(now() + 90);
  });

  it("mints a token without exp when expiresIn is omitted", async () => {
    const claims = await claimsOf(await mintToken({ secret, sub: "game", role: "server" }));

    expect(claims).toMatchObject({ sub: "game", role: "server" });
    expect(claims.exp).toBeUndefined();
  });

  it("refuses what no node would accept, with VALIDATION_FAILED", async () => {
    expect((await refusal({ secret: "short", sub: "alice", role: "player" })).message).toContain("at least 32");
    expect((await refusal({ secret, sub: "", role: "player" })).code).toBe("VALIDATION_FAILED");
    expect((await refusal({ secret, sub: "x".repeat(129), role: "player" })).code).toBe("VALIDATION_FAILED");
    expect((await refusal({ secret, sub: "alice", role: "root" as "admin" })).code).toBe("VALIDATION_FAILED");
    expect((await refusal({ secret, sub: "alice", role: "player", expiresIn: 0 })).code).toBe("VALIDATION_FAILED");
    expect((await refusal({ secret, sub: "alice", role: "player", expiresIn: 1.5 })).code).toBe("VALIDATION_FAILED");
  });
});
