import { HoardError } from "@hoard/protocol";
import { SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import { TokenService } from "./tokens";

const SECRET = "a-test-secret-that-is-at-least-32-characters";
const tokens = new TokenService(SECRET);
const key = new TextEncoder().encode(SECRET);

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

/** A token signed with the service's own key, with exactly these claims and header. */
function signed(claims: Record<string, unknown>, options: { alg?: string; sub?: string } = {}): Promise<string> {
  const jwt = new SignJWT(claims).setProtectedHeader({ alg: options.alg ?? "HS256" }).setIssuedAt();
  if (options.sub !== undefined) jwt.setSubject(options.sub);
  return jwt.sign(key);
}

async function refusedWith(token: string): Promise<string> {
  const error = await tokens.verify(token).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(HoardError);
  return (error as HoardError).code;
}

describe("TokenService", () => {
  it("verifies what it mints: sub, role and expiry", async () => {
    const before = Math.floor(Date.now() / 1000);

    const principal = await tokens.verify(await tokens.mint({ sub: "alice", role: "player", expiresIn: "1h" }));

    expect(principal).toMatchObject({ sub: "alice", role: "player" });
    expect(principal.exp).toBeGreaterThanOrEqual(before + 3600);
    expect(principal.exp).toBeLessThanOrEqual(before + 3601);
  });

  it("mints a token without expiry when no expiresIn is given", async () => {
    expect(await tokens.verify(await tokens.mint({ sub: "game", role: "server" }))).toEqual({ sub: "game", role: "server" });
  });

  it("refuses a token signed with another secret as AUTH_UNAUTHENTICATED", async () => {
    const other = new TokenService("another-secret-that-is-also-32-characters-long");

    expect(await refusedWith(await other.mint({ sub: "alice", role: "admin" }))).toBe("AUTH_UNAUTHENTICATED");
  });

  it("refuses an expired token as AUTH_TOKEN_EXPIRED", async () => {
    expect(await refusedWith(await tokens.mint({ sub: "alice", role: "player", expiresIn: "1 minute ago" }))).toBe("AUTH_TOKEN_EXPIRED");
  });

  it("refuses an unsigned (alg none) token", async () => {
    const unsigned = `${base64url({ alg: "none", typ: "JWT" })}.${base64url({ sub: "alice", role: "admin" })}.`;

    expect(await refusedWith(unsigned)).toBe("AUTH_UNAUTHENTICATED");
  });

  it("refuses a token signed with another algorithm, even with the right key", async () => {
    expect(await refusedWith(await signed({ role: "admin" }, { alg: "HS512", sub: "alice" }))).toBe("AUTH_UNAUTHENTICATED");
  });

  it("refuses a token whose payload was changed after signing", async () => {
    const [header, , signature] = (await tokens.mint({ sub: "alice", role: "player" })).split(".");
    const promoted = `${header}.${base64url({ sub: "alice", role: "admin" })}.${signature}`;

    expect(await refusedWith(promoted)).toBe("AUTH_UNAUTHENTICATED");
  });

  it("refuses a well-signed token without a valid role or sub", async () => {
    expect(await refusedWith(await signed({}, { sub: "alice" }))).toBe("AUTH_UNAUTHENTICATED");
    expect(await refusedWith(await signed({ role: "superuser" }, { sub: "alice" }))).toBe("AUTH_UNAUTHENTICATED");
    expect(await refusedWith(await signed({ role: "player" }))).toBe("AUTH_UNAUTHENTICATED");
    // The same claims with a role pass, so the refusals above are about the claims alone.
    expect(await tokens.verify(await signed({ role: "player" }, { sub: "alice" }))).toEqual({ sub: "alice", role: "player" });
  });

  it("refuses text that is not a token", async () => {
    expect(await refusedWith("not-a-jwt")).toBe("AUTH_UNAUTHENTICATED");
  });
});
