/**
 * The roles a token can carry, zod-free so that token minting (on the client side) checks them
 * against the same list the protocol's `Role` schema is built from.
 */
export const ROLES = ["player", "server", "admin", "viewer"] as const;
