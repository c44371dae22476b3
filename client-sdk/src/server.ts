/**
 * `@hoard/client-sdk/server`: for a game's backend (Node), never for a browser, since it needs
 * the nodes' signing secret. The backend signs its players in its own way, then mints each a
 * short-lived Hoard token (role `player`, `sub` = the player id) and hands it to the game client.
 *
 * @example
 * import { mintToken } from "@hoard/client-sdk/server";
 *
 * const token = await mintToken({ secret: process.env.HOARD_SECRET!, sub: "alice", role: "player", expiresIn: "1h" });
 */
export { MIN_SECRET_LENGTH, type MintTokenOptions, mintToken } from "@hoard/protocol/tokens";
