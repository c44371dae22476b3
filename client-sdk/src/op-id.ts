/**
 * A fresh idempotency key. Uses crypto.getRandomValues, which browsers also offer on plain
 * http pages (randomUUID needs a secure context).
 */
export function newOpId(): string {
  const bytes = new Uint8Array(16);
  globalThis.crypto.getRandomValues(bytes);
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
}
