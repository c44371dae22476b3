/**
 * The one error registry. Every error that crosses the wire carries one of these codes.
 * Codes are prefixed by area; each maps to an HTTP status and a default message.
 * Client errors (4xx) are logged at info, server errors (5xx) at error.
 */
export const errorCodes = {
  VALIDATION_FAILED: { status: 400, message: "The request does not match its schema" },
  EVENT_UNKNOWN: { status: 404, message: "No such event" },
  ROUTE_NOT_FOUND: { status: 404, message: "No such route" },
  PAYLOAD_TOO_LARGE: { status: 413, message: "The request is too large" },
  REQUEST_URL_MALFORMED: { status: 400, message: "The URL is not valid percent-encoding" },
  REQUEST_CONTENT_TYPE_UNSUPPORTED: { status: 415, message: "Send the request body as application/json" },
  REQUEST_BODY_UNREADABLE: { status: 400, message: "The request body could not be read (it does not decompress, or was cut short)" },
  RATE_LIMITED: { status: 429, message: "Too many requests; retry later" },
  REQUEST_IN_FLIGHT_LIMIT: { status: 429, message: "Too many requests under way on this connection; wait for their replies" },
  INTERNAL: { status: 500, message: "Internal error" },
  SERVER_SHUTTING_DOWN: { status: 503, message: "The node is shutting down; retry on another node" },
  STORE_UNAVAILABLE: { status: 503, message: "The store is busy or unavailable; retry later" },
  /** Raised by the SDK, never sent by a node: no ack came in time, even after retries. */
  CLIENT_TIMEOUT: { status: 504, message: "No reply from the server in time" },
  /** Raised by the SDK: the client was closed while the call was waiting. */
  CLIENT_CLOSED: { status: 499, message: "The client was closed" },
  /** Raised by the SDK: the node could not be reached (down, restarting, or the network is cut). */
  CLIENT_UNREACHABLE: { status: 503, message: "The node could not be reached" },
  /** Raised by the SDK: a read while disconnected, or a mutation never sent before its time ran out. */
  CLIENT_OFFLINE: { status: 503, message: "Not connected to the node" },
  /** Raised by the SDK: a mutation waiting in the outbox was cancelled before it was sent. */
  CLIENT_CANCELLED: { status: 499, message: "The mutation was cancelled before it was sent" },
  /** Raised by the SDK: the offline outbox holds as many mutations as it may. */
  CLIENT_OUTBOX_FULL: { status: 507, message: "The offline outbox is full" },

  AUTH_UNAUTHENTICATED: { status: 401, message: "A valid token is required" },
  AUTH_TOKEN_EXPIRED: { status: 401, message: "The token has expired" },
  AUTH_FORBIDDEN: { status: 403, message: "This role may not do that" },
  /** Only ever in a `closing` message (players:disconnect), never an answer: no REST operation lists it. */
  CONNECTION_CLOSED_BY_OPERATOR: { status: 410, message: "An operator closed this player's connections" },

  OP_ID_REUSED: { status: 409, message: "This opId was already used for a different request" },
  OP_ID_EXPIRED: {
    status: 409,
    message: "This opId was already applied and its result is no longer kept",
  },

  ITEM_NOT_FOUND: { status: 404, message: "No such item definition" },
  KIT_NOT_FOUND: { status: 404, message: "No such kit" },
  KIT_NOT_STARTER: { status: 403, message: "Only a starter kit may be picked by a player creating itself" },
  KIT_NAME_RESERVED: { status: 422, message: '`random` is reserved: players:create {class: "random"} picks a random starter kit' },

  LOOT_TABLE_NOT_FOUND: { status: 404, message: "No such loot table" },
  LOOT_TABLE_TOO_DEEP: { status: 422, message: "The loot table nests tables deeper than allowed" },
  LOOT_TABLE_CYCLE: { status: 422, message: "The loot table contains itself" },
  LOOT_TABLE_TOO_LARGE: { status: 422, message: "A draw from the loot table could give more rewards than allowed" },
  LOOT_BATCH_TOO_LARGE: { status: 422, message: "The batch draws from more loot tables than allowed" },
  LOOT_NO_DRAW: { status: 404, message: "That op log entry has no loot draw" },

  PLAYER_NOT_FOUND: { status: 404, message: "No such player" },
  PLAYER_EXISTS: { status: 409, message: "A player with this id already exists" },
  PLAYER_VERSION_STALE: { status: 409, message: "The player has changed since expectedVersion" },
  PLAYER_CONFLICT: { status: 409, message: "The player changed concurrently too often; retry" },

  INVENTORY_INSUFFICIENT_ITEMS: { status: 422, message: "Not enough items" },
  INVENTORY_REASON_REQUIRED: { status: 400, message: "An admin's change must say why: give a reason" },
  INVENTORY_ENTRY_NOT_FOUND: { status: 404, message: "The player has no op log entry of that version" },
  INVENTORY_NOT_REVERSIBLE: { status: 422, message: "This kind of op log entry cannot be reversed" },
  INVENTORY_ALREADY_REVERSED: { status: 409, message: "This op log entry was already reversed" },
  INVENTORY_REVERSE_CONFLICT: { status: 409, message: "A metric or capacity the entry set has changed since; set it by hand" },
  INVENTORY_CAPACITY_EXCEEDED: { status: 422, message: "The inventory is full" },
  INVENTORY_LIMIT_EXCEEDED: { status: 422, message: "A quantity would exceed the largest safe value" },
  INVENTORY_STACK_LIMIT_EXCEEDED: { status: 422, message: "The inventory would hold more stacks than the node allows" },
  INVENTORY_EXPIRY_LOT_LIMIT_EXCEEDED: { status: 422, message: "The player would hold more distinct expiry lots than the node allows" },
  INVENTORY_EXPIRY_INVALID: {
    status: 422,
    message: "An expiring grant must end after the commit; give expiresAt or expiresInMs, not both",
  },
  PLAYER_CATEGORY_LIMIT_EXCEEDED: { status: 422, message: "The player would hold more inventories than the node allows" },
  PLAYER_METRIC_LIMIT_EXCEEDED: { status: 422, message: "The player would hold more metrics than the node allows" },
  PLAYER_STATE_LIMIT_EXCEEDED: { status: 422, message: "The player's state would grow past the size the node allows" },
  WALLET_INSUFFICIENT_FUNDS: { status: 422, message: "Not enough currency" },

  SHOP_ITEM_NOT_FOR_SALE: { status: 404, message: "The shop has no price for this item in this currency" },
  CART_PRICE_CHANGED: { status: 409, message: "The price is not the shop's current price; see details for the current terms" },
  CART_EMPTY: { status: 409, message: "The cart is empty" },
  CART_LINE_NOT_FOUND: { status: 404, message: "The item is not in the cart" },
  CART_LINE_CONFLICT: { status: 409, message: "The item is already in the cart in another currency or category" },
  CART_LIMIT_EXCEEDED: { status: 422, message: "The cart would hold too many lines or units, or cost too much" },
  SHOP_SOLD_OUT: { status: 409, message: "The shop has not that many units of this limited item left; see details for what is available" },
  SHOP_ITEM_NOT_LIMITED: { status: 422, message: "Only a limited item (one with a shop supply) can be reserved" },
  TRADE_NOT_FOUND: { status: 404, message: "No such trade offer" },
  TRADE_SELF: { status: 422, message: "A player cannot trade with itself" },
  TRADE_NOT_A_PARTY: { status: 403, message: "Only a party to this trade may do that" },
  TRADE_ALREADY_SETTLED: { status: 409, message: "The offer was already accepted, declined, cancelled or expired" },
  TRADE_EXPIRED: { status: 410, message: "The offer has expired" },
  TRADE_INSUFFICIENT_ITEMS: { status: 422, message: "A party does not own what it would give" },
  TRADE_INSUFFICIENT_FUNDS: { status: 422, message: "A party does not have the currency it would give" },
  TRADE_CAPACITY_EXCEEDED: { status: 422, message: "A party has no room for what it would receive" },
  TRADE_REASON_REQUIRED: { status: 400, message: "An admin settling an offer must say why: give a reason" },
  PRESENCE_UNAVAILABLE: { status: 503, message: "The presence registry is unreachable; retry later" },
  STOCK_INSUFFICIENT: { status: 422, message: "Not enough stock on some day of the range" },
  STOCK_LIMIT_EXCEEDED: { status: 422, message: "A stock count would exceed its bounds" },

  SUBSCRIPTION_LIMIT: { status: 429, message: "Too many subscriptions on this connection" },
  TOPIC_UNKNOWN: { status: 400, message: "No such topic" },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof errorCodes;

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === "string" && Object.hasOwn(errorCodes, value);
}

export function httpStatusOf(code: ErrorCode): number {
  return errorCodes[code].status;
}

/** The error shape carried by a failed ack and by HTTP error bodies. */
export interface WireError {
  code: ErrorCode;
  message: string;
  details?: unknown;
}

/**
 * The one error class, thrown by the server's rules and services and by the client SDK.
 *
 * @example
 * throw new HoardError("INVENTORY_INSUFFICIENT_ITEMS", "need 3 potions, have 1", {
 *   details: { itemId, have: 1, need: 3 },
 * });
 */
export class HoardError extends Error {
  readonly code: ErrorCode;
  readonly details: unknown;

  constructor(code: ErrorCode, message?: string, options?: { details?: unknown; cause?: unknown }) {
    super(message ?? errorCodes[code].message, { cause: options?.cause });
    this.name = "HoardError";
    this.code = code;
    this.details = options?.details;
  }

  get status(): number {
    return httpStatusOf(this.code);
  }

  toWire(): WireError {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }

  static fromWire(error: WireError): HoardError {
    const code = isErrorCode(error.code) ? error.code : "INTERNAL";
    return new HoardError(code, error.message, { details: error.details });
  }
}
