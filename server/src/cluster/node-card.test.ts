import { NodeCard } from "@hoard/protocol";
import { describe, expect, it } from "vitest";
import { nodeCards } from "./node-card";

describe("node cards", () => {
  it("says rates over the time since the previous card, and latest() does not shorten that period", () => {
    let now = 10_000;
    const totals = { requests: 0, refused: 0, internal: 0 };
    const cards = nodeCards({
      nodeId: "a",
      version: "1.2.3",
      store: "sqlite",
      startedAt: 4_000,
      connections: () => 7,
      totals: () => totals,
      redisUp: () => true,
      now: () => now,
    });
    try {
      now += 2000;
      Object.assign(totals, { requests: 100, refused: 10, internal: 1 });
      const card = cards.next();
      expect(NodeCard.parse(card)).toEqual(card);
      expect(card).toMatchObject({ uptime: 8, connections: 7, eventsPerSecond: 50, refusedPerSecond: 5, internalErrors: 1, redis: "up" });
      now += 500;
      Object.assign(totals, { requests: 200 });
      expect(cards.latest()).toBe(card);
      now += 500;
      expect(cards.next().eventsPerSecond).toBe(100);
    } finally {
      cards.close();
    }
  });

  it("says Redis is off without it", () => {
    const cards = nodeCards({
      nodeId: "a",
      version: "1",
      store: "mongo",
      startedAt: Date.now(),
      connections: () => 0,
      totals: () => ({ requests: 0, refused: 0, internal: 0 }),
    });
    expect(cards.latest().redis).toBe("off");
    cards.close();
  });
});
