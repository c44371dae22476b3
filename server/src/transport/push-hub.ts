import type { PushMessage } from "@hoard/protocol";
import type { LocalPublisher, Publisher } from "../subscriptions/topics";
import type { Metrics } from "./metrics";
import type { HoardIo } from "./socket";

export interface PushHubDeps {
  metrics: Metrics;
  /** True when other nodes may watch a topic too (Redis adapter): then no push is skipped here. */
  clustered: boolean;
}

/**
 * Where every domain sends its pushes, built before the services (which only see `Publisher`)
 * and attached to the socket server once that exists: the socket server needs the dispatcher,
 * which needs the services, which need somewhere to push. Nothing is subscribed before the
 * socket server exists, so a push before `attach` goes to no one, and is dropped.
 */
export class PushHub implements Publisher, LocalPublisher {
  private io: HoardIo | undefined;

  constructor(private readonly deps: PushHubDeps) {}

  attach(io: HoardIo): void {
    if (this.io) throw new Error("the push hub is already attached to a socket server");
    this.io = io;
  }

  /** To every subscriber of the topic, on every node. */
  publish(message: PushMessage): void {
    if (!this.io) return;
    // On one node, a topic nobody here watches is watched by nobody: skip it (socket.io would
    // encode the push before finding the room empty). With Redis, other nodes may watch it.
    if (!this.deps.clustered && !this.watchedHere(message.topic)) return;
    this.io.to(message.topic).emit("push", message);
    this.deps.metrics.pushes.inc({ type: message.type });
  }

  /** To this node's subscribers only (each node pushes area changes to its own, whichever node made them). */
  publishLocal(message: PushMessage): void {
    if (!this.io) return;
    this.io.local.to(message.topic).emit("push", message);
    this.deps.metrics.pushes.inc({ type: message.type });
  }

  /** Whether a socket of this node subscribes to the topic. */
  watchedHere(topic: string): boolean {
    return (this.io?.sockets.adapter.rooms.get(topic)?.size ?? 0) > 0;
  }
}
