import type { WireError } from "./errors.js";

/** Every ack, over the socket and as the body of every REST reply. */
export type Ack<T> = { ok: true; data: T } | { ok: false; error: WireError };

export function okAck<T>(data: T): Ack<T> {
  return { ok: true, data };
}

export function errorAck(error: WireError): Ack<never> {
  return { ok: false, error };
}
