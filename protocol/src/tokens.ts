import { SignJWT } from "jose";
import type { Role } from "./common.js";
import { HoardError } from "./errors.js";
import { ROLES } from "./roles.js";

/** A node refuses a shorter `HOARD_SECRET`, so a token signed with one could never be accepted. */
export const MIN_SECRET_LENGTH = 32;

export interface MintTokenOptions {
  /** The nodes' `HOARD_SECRET`. Keep it on the game's servers: whoever holds it can mint admin tokens. */
  secret: string;
  /** Who the token speaks for: the player id for `player` tokens, the service's name otherwise. */
  sub: string;
  role: Role;
  /**
   * How long the token lasts: a time span such as `"15m"`, `"1h"`, `"7d"`, or a number of
   * seconds. Omitted: the token never expires (fine for a game server, not for players).
   */
  expiresIn?: string | number;
}

/**
 * Mints a token a Hoard node accepts: a JWT signed HS256 with the nodes' secret, carrying
 * `sub`, `role`, `iat` and, with `expiresIn`, `exp` — what the node verifies on every
 * connection. The node's own `hoard token` command mints the same way.
 *
 * @example
 * import { mintToken } from "@hoard/client-sdk/server";
 *
 * // in the game's backend, after it has signed the player in:
 * const token = await mintToken({ secret: process.env.HOARD_SECRET!, sub: "alice", role: "player", expiresIn: "1h" });
 */
export async function mintToken(options: MintTokenOptions): Promise<string> {
  const { secret, sub, role, expiresIn } = options;
  if (typeof secret !== "string" || secret.length < MIN_SECRET_LENGTH)
    throw new HoardError("VALIDATION_FAILED", `secret must be the nodes' HOARD_SECRET: at least ${MIN_SECRET_LENGTH} characters`);
  if (typeof sub !== "string" || sub.length < 1 || sub.length > 128)
    throw new HoardError("VALIDATION_FAILED", "sub must be 1–128 characters");
  if (!(ROLES as readonly string[]).includes(role)) throw new HoardError("VALIDATION_FAILED", `role must be one of ${ROLES.join(", ")}`);
  if (typeof expiresIn === "number" && !(Number.isInteger(expiresIn) && expiresIn > 0))
    throw new HoardError("VALIDATION_FAILED", "expiresIn must be a whole number of seconds above 0, or a span such as 1h");

  const jwt = new SignJWT({ role }).setProtectedHeader({ alg: "HS256" }).setSubject(sub).setIssuedAt();
  // jose reads a number as an instant, not a span: turn seconds from now into one.
  if (typeof expiresIn === "number") jwt.setExpirationTime(Math.floor(Date.now() / 1000) + expiresIn);
  else if (expiresIn !== undefined) jwt.setExpirationTime(expiresIn);
  return jwt.sign(new TextEncoder().encode(secret));
}
