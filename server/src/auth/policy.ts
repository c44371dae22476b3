import { HoardError, type Role } from "@hoard/protocol";
import type { Principal } from "./tokens";

/**
 * Authorization rules shared by every action. A rule throws AUTH_FORBIDDEN or returns.
 * `player` reaches only its own state; `server` (a trusted game server) and `admin`
 * (the console) reach every player.
 */
export type Rule<I> = (principal: Principal, input: I) => void;

export function forbidden(message: string): HoardError {
  return new HoardError("AUTH_FORBIDDEN", message);
}

/** Any authenticated caller. */
export const anyRole: Rule<unknown> = () => {};

export function roles(...allowed: Role[]): Rule<unknown> {
  return (principal) => {
    if (!allowed.includes(principal.role)) throw forbidden(`needs the ${allowed.join(" or ")} role`);
  };
}

/** The player itself, or any server or admin. */
export function selfOrTrusted<I>(playerIdOf: (input: I) => string): Rule<I> {
  return (principal, input) => {
    if (principal.role === "player" && principal.sub !== playerIdOf(input)) {
      throw forbidden("a player may only reach its own state");
    }
  };
}

export function mayReadPlayer(principal: Principal, playerId: string): void {
  selfOrTrusted<string>((id) => id)(principal, playerId);
}
