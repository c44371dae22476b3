/**
 * A game process with an offline outbox, for test/integration/sdk-outbox.test.ts: opens a
 * client on a node that is down, queues the mutations given as JSON in argv[4], cancels the
 * op ids in argv[5], waits until the outbox file holds what is left, prints `{"queued": n}` and
 * exits without closing anything, as a page reload or a killed process would.
 *
 * Usage: outbox-client.ts <url> <token> <outbox file> <mutations JSON> <op ids to cancel JSON>
 */
import { fileOutboxStorage, HoardClient, type InventoryOp } from "@hoard/client-sdk";

const [url, token, file, mutationsJson, cancelJson] = process.argv.slice(2) as [string, string, string, string, string];
const mutations = JSON.parse(mutationsJson) as Array<{ playerId: string; opId: string; ops: InventoryOp[] }>;
const cancel = JSON.parse(cancelJson) as string[];

const storage = fileOutboxStorage(file);
const hoard = new HoardClient(url, { token, outbox: { storage } });
for (const { playerId, ops, opId } of mutations) {
  // Never answered here: the node is down. The outbox stored it before sending.
  void hoard.inventory.apply(playerId, ops, { opId }).catch(() => {});
}
const outbox = hoard.outbox;
if (!outbox) throw new Error("no outbox");
for (const opId of cancel) {
  if (!(await outbox.cancel(opId))) throw new Error(`could not cancel ${opId}`);
}
const expected = mutations.length - cancel.length;
while ((await storage.load()).length !== expected || (await outbox.list()).length !== expected) {
  await new Promise((resolve) => setTimeout(resolve, 10));
}
process.stdout.write(`${JSON.stringify({ queued: expected })}\n`);
process.exit(0);
