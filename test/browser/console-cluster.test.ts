import { connect, type HoardClient } from "@hoard/client-sdk";
import { afterAll, beforeAll, expect, inject, it } from "vitest";
import { describeInBrowser, eventually, openConsole } from "../support/browser";
import { type Cluster, startCluster } from "../support/cluster";

const NODE_TTL_SECONDS = 2;

/**
 * The Cluster page of a two-node cluster on one Redis: both nodes listed (from their
 * heartbeats), a player's connection found on the other node, and a killed node gone within
 * the node TTL (plus a heartbeat and a poll).
 */
describeInBrowser("console cluster page in Chromium", (browser) => {
  let cluster: Cluster;
  let carol: HoardClient;

  beforeAll(async () => {
    cluster = await startCluster({
      nodes: 2,
      env: { HOARD_PRESENCE_NODE_TTL_SECONDS: String(NODE_TTL_SECONDS), HOARD_TEST_CONSOLE_DIR: inject("consoleDir") },
    });
    const nodeB = cluster.nodes[1]?.url ?? "";
    carol = await connect(nodeB, { token: await cluster.token("player", "carol") });
    await carol.players.create({});
    await carol.watch("carol");
  }, 60_000);
  afterAll(async () => {
    carol?.close();
    await cluster?.stop();
  });

  it("lists the nodes for a viewer too, and refuses a player with AUTH_FORBIDDEN", async () => {
    const url = cluster.nodes[0]?.url ?? "";
    const viewer = await connect(url, { token: await cluster.token("viewer", "watcher") });
    const player = await connect(url, { token: await cluster.token("player", "dave") });
    try {
      const { nodes, source } = await viewer.cluster.nodes();
      expect(source).toBe("redis");
      expect(nodes.map((node) => node.nodeId)).toContain("node-a");
      await expect(player.cluster.nodes()).rejects.toMatchObject({ code: "AUTH_FORBIDDEN" });
      await expect(player.cluster.sockets("carol")).rejects.toMatchObject({ code: "AUTH_FORBIDDEN" });
    } finally {
      viewer.close();
      player.close();
    }
  });

  it('lists both nodes, finds a player\'s socket on the other node, drops a killed node within the node TTL, and says "node unreachable" when its own node dies', async () => {
    const [nodeA, nodeB] = cluster.nodes;
    if (!nodeA || !nodeB) throw new Error("two nodes expected");
    const tab = await openConsole(browser(), { url: nodeA.url, token: await cluster.token("admin", "ops") });
    const { page } = tab;
    await tab.go("cluster");
    const row = (node: string) => page.locator(`[data-testid='nodes'] tr[data-node='${node}']`);
    await eventually(() => row("node-a").count()).toBe(1);
    await eventually(() => row("node-b").count()).toBe(1);
    expect(await row("node-a").textContent()).toContain("(this console)");
    // A node's first card may be written before its Redis connections are all up: the next beat says so.
    await eventually(() => row("node-b").textContent()).toContain("Redis up");
    expect(await page.getByTestId("nodes-note").textContent()).toContain(`last ${NODE_TTL_SECONDS} s`);

    await page.locator("#sockets-of").fill("carol");
    await page.getByRole("button", { name: "Find connections" }).click();
    const socket = page.locator("[data-testid='sockets'] tr[data-node='node-b']");
    await eventually(() => socket.count()).toBe(1);
    expect(await socket.textContent()).toContain("websocket");
    expect(await socket.textContent()).toContain("inventory/carol");
    expect(await socket.textContent()).toContain("player");

    await tab.screenshot("cluster-two-nodes");
    await nodeB.kill("SIGKILL");
    const killedAt = Date.now();
    // TTL, then up to one heartbeat of node-a's view being stale, then one 2 s poll, then slack for a loaded machine.
    await expect.poll(() => row("node-b").count(), { timeout: (NODE_TTL_SECONDS + 1 + 2 + 3) * 1000, interval: 100 }).toBe(0);
    const goneAfterMs = Date.now() - killedAt;
    console.info(`node-b left the Cluster page ${goneAfterMs} ms after SIGKILL (node TTL ${NODE_TTL_SECONDS} s, poll 2 s)`);
    expect(await row("node-a").count()).toBe(1);

    // The node serving the console dies too: the page says so in words, and keeps what it showed.
    const points = () => page.evaluate(() => document.querySelectorAll(".chart canvas").length);
    expect(await points()).toBe(2);
    await nodeA.kill("SIGKILL");
    await eventually(() => page.locator("main").textContent()).toContain("node unreachable");
    expect(await page.locator("main").textContent()).not.toContain("Failed to fetch");
    expect(await row("node-a").count()).toBe(1);
    expect(await points()).toBe(2);
    await tab.close();
  }, 60_000);
});
