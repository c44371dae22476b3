import { SqliteStore } from "@hoard/server/internal/store/sqlite/sqlite-store";
import { expect, it, vi } from "vitest";
import { playerWithGold, shopItem } from "../support/cart";
import { clockedCluster } from "../support/clocked-cluster";
import { describeCluster } from "../support/describe-cluster";

const MINUTE = 60_000;
const SUPPLY = 20;
const PLAYERS = 16;

describeCluster("cluster: reservations on two nodes sweeping (two processes, one file, Redis)", () => {
  const setup = clockedCluster();
  const open = setup.open;

  it("never oversells across nodes, and each hold not checked out returns exactly once", async () => {
    const [cluster, clock] = [setup.cluster(), setup.clock()];
    const [a, b] = cluster.nodes as [(typeof cluster.nodes)[0], (typeof cluster.nodes)[0]];
    const gm = await open(a.url, "server", "game");
    const relic = await shopItem(gm, { name: "Relic", price: 10 });
    await gm.shop.supply(relic, SUPPLY);
    const ids = Array.from({ length: PLAYERS }, (_, i) => `holder-${i}`);
    for (const id of ids) await playerWithGold(gm, id, 1000);
    // Each player on one node or the other: everyone reserves 2, then every third checks out.
    const players = await Promise.all(ids.map((id, i) => open((i % 2 === 0 ? a : b).url, "player", id)));
    const reserved = await Promise.all(
      players.map((client, i) =>
        client.cart.add(ids[i] as string, { itemId: relic, offeredPrice: 10, itemCount: 2, reserveForMs: MINUTE }).then(
          () => true,
          (error: { code?: string }) => (error.code === "SHOP_SOLD_OUT" ? false : Promise.reject(error)),
        ),
      ),
    );
    expect(reserved.filter(Boolean)).toHaveLength(SUPPLY / 2);
    const buyers = ids.filter((_, i) => reserved[i] && i % 3 === 0);
    await Promise.all(buyers.map((id) => players[ids.indexOf(id)]?.cart.checkout(id)));

    clock.advance(MINUTE);
    const store = new SqliteStore({ path: cluster.dbFile });
    try {
      await vi.waitFor(async () => expect(await store.listDueExpiries("9999-12-31T00:00:00.000Z", 100)).toEqual([]), {
        timeout: 20_000,
        interval: 100,
      });
      const [supply] = await store.shop.listSupplies({ itemId: relic, limit: 1 });
      expect(supply).toMatchObject({ supply: SUPPLY, held: 0, sold: 2 * buyers.length });
      for (const [i, id] of ids.entries()) {
        const releases = (await store.readHistory(id, { sinceVersion: 0, limit: 100 })).filter((entry) => entry.kind === "cart:release");
        const holder = reserved[i] && !buyers.includes(id);
        expect(releases, id).toHaveLength(holder ? 1 : 0);
        expect(releases[0]?.actor ?? { role: "server", sub: "system" }).toEqual({ role: "server", sub: "system" });
        const player = (await store.getPlayer(id)) ?? expect.fail(`${id} is missing`);
        expect(player.inventories.bag?.stacks[relic] ?? 0).toBe(buyers.includes(id) ? 2 : 0);
      }
    } finally {
      await store.close();
    }
  });
});
