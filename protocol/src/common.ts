import { z } from "zod";
import { ROLES } from "./roles.js";

/**
 * Shared building blocks. Every string is bounded; every key used as an object key is
 * matched by a pattern that cannot spell `__proto__`, `constructor` tricks or `$`-operators.
 * `constructor` is all lower-case, so the patterns refuse it by name: `wallet["constructor"]`
 * would otherwise read Object and the rules would compute with a function.
 */

/** A lower-case identifier: currencies, metric names, kit names, classes. */
export const Name = z
  .string()
  .regex(/^(?!constructor$)[a-z][a-z0-9_]{0,31}$/, "lower-case letters, digits and _, starting with a letter, ≤ 32, not constructor");

/** A player id (also a token's `sub`). */
export const PlayerId = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, "letters, digits, _ and -, starting with a letter or digit, ≤ 64");

/** A dotted inventory category such as `equipment.weapons`. */
export const Category = z
  .string()
  .max(96)
  .regex(/^(?!constructor$)[a-z][a-z0-9_]{0,31}(\.[a-z][a-z0-9_]{0,31}){0,5}$/, "dotted lower-case segments, e.g. equipment.weapons");

/** A category prefix for listing: a category, optionally ending with a dot. */
export const CategoryPrefix = z
  .string()
  .max(97)
  .regex(/^([a-z][a-z0-9_]{0,31}(\.[a-z][a-z0-9_]{0,31}){0,5}\.?)?$/, "a category or a prefix of one");

/** An item definition id: SHA-256 of the definition's canonical JSON, in hex. */
export const ItemId = z.string().regex(/^[0-9a-f]{64}$/, "64 lower-case hex characters");

/** Idempotency key of a mutation. The SDK makes one (a UUID) per call. */
export const OpId = z.string().regex(/^[A-Za-z0-9_.:-]{8,100}$/, "8–100 characters of A–Z a–z 0–9 _ . : -");

/** Quantities of items and amounts of currency move in whole positive units. */
export const Quantity = z.number().int().min(1).max(1_000_000_000_000);

/** A state version (the sequence number of an inventory topic). */
export const Version = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

export const MetricValue = z.number().finite();

export const Limit = z.number().int().min(1).max(500);

/** Opaque pagination cursor: the last key of the previous page. */
export const Cursor = z.string().max(200);

/**
 * `player` its own state; `server` a trusted game backend; `admin` the console, reads and acts on
 * everything; `viewer` the console read-only: reads and watches everything an admin does, acts on nothing.
 */
export const Role = z.enum(ROLES);
export type Role = z.infer<typeof Role>;

/** Who did something: recorded in the op log. */
export const Actor = z.strictObject({ role: Role, sub: z.string().max(128) });
export type Actor = z.infer<typeof Actor>;

export const Timestamp = z.string().max(40);

/**
 * Why an operator acted: free text kept in the op log entry or the trade record. Required of an
 * `admin` (the console); optional for a game `server`, whose code is its own record.
 */
export const Reason = z.string().trim().min(1, "say why").max(500);
