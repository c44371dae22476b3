/**
 * Creates a player, grants and consumes items, and watches the changes arrive live.
 *
 *   npm start &
 *   HOARD_TOKEN=$(npm run -s hoard -- token --role server) npx tsx client-sdk/examples/quickstart.ts
 */
import { connect } from "@hoard/client-sdk";

const url = process.env.HOARD_URL ?? "http://localhost:3000";
const token = process.env.HOARD_TOKEN;
if (!token) throw new Error("set HOARD_TOKEN to a server or admin token: npm run -s hoard -- token --role server");

const hoard = await connect(url, { token });
const { item: potion } = await hoard.items.create({ name: "Potion", kind: "consumable", value: 5 });
const playerId = `demo-${Date.now().toString(36)}`;
await hoard.players.create({ id: playerId, name: "Demo" });

const live = await hoard.watch(playerId);
live.on("change", (entry, state) => {
  console.log(
    `v${entry.version} by ${entry.actor.sub}:`,
    entry.ops.map((op) => op.type).join(", "),
    "→",
    JSON.stringify(state.inventories.bag?.stacks ?? {}),
    state.wallet,
  );
});

await hoard.inventory.grant(playerId, { category: "bag", itemId: potion.id, quantity: 3 });
await hoard.inventory.apply(playerId, [
  { type: "consume", category: "bag", itemId: potion.id, quantity: 1 },
  { type: "credit", currency: "gold", amount: 25 },
]);
await hoard.inventory.consume(playerId, { category: "bag", itemId: potion.id, quantity: 2 });

const { entries } = await hoard.inventory.history(playerId);
console.log(`history of ${playerId}: ${entries.length} versions`);
await live.close();
hoard.close();
