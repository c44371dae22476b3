import type { PushMessage, TopicKind } from "@hoard/protocol";
import type { Principal } from "../auth/tokens";

/** Sends a push to every subscriber of its topic, on every node. Called after the commit. */
export interface Publisher {
  publish(message: PushMessage): void;
}

/**
 * Sends a push to this node's subscribers only, for state every node learns of by itself
 * (presence: each node hears every area change from Redis and pushes to its own).
 */
export interface LocalPublisher {
  publishLocal(message: PushMessage): void;
  /** Whether a connection of this node subscribes to the topic. */
  watchedHere(topic: string): boolean;
}

/** What a domain tells the subscription service about one kind of topic. */
export interface TopicSource {
  /** Throws AUTH_FORBIDDEN when the principal may not watch this key. */
  authorize(principal: Principal, key: string): void;
  /** The topic's current sequence number (throws a HoardError when the key does not exist). */
  currentSeq(key: string): Promise<number>;
}

export type TopicSources = Record<TopicKind, TopicSource>;
