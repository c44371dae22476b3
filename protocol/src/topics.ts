/**
 * Topic names, pure and without zod (the client entry exports them). The server validates a
 * topic with the `Topic` schema in push.ts.
 */

/**
 * Topics a client may subscribe to. Each push carries its topic and a sequence number;
 * a subscriber that sees a gap in the sequence resyncs.
 */
export const topicKinds = ["inventory", "trades", "area", "stock", "stockprefix"] as const;
export type TopicKind = (typeof topicKinds)[number];

export function topicOf(kind: TopicKind, key: string): string {
  return `${kind}/${key}`;
}

/** Splits a validated topic into its kind and key. */
export function parseTopic(topic: string): { kind: TopicKind; key: string } {
  const slash = topic.indexOf("/");
  return { kind: topic.slice(0, slash) as TopicKind, key: topic.slice(slash + 1) };
}

/** The admin feed of suspicious trades. No player id can spell it (ids start with a letter or digit). */
export const SUSPICIOUS_TRADES_KEY = "_suspicious";
