import type { HistoryEntry, InventoryOp } from "@hoard/client-sdk";
import { formatNumber } from "../../lib/format";

/**
 * The operator's action form, as pure functions (no DOM, unit-tested in Node): which fields an
 * action needs, the op the filled form makes, and the confirmation that names the player and
 * the amounts before anything is sent. The node checks everything again.
 */
export const actionKinds = ["grant", "consume", "credit", "debit", "setMetric", "setCapacity", "disconnect"] as const;
export type ActionKind = (typeof actionKinds)[number];

export const actionLabels: Record<ActionKind, string> = {
  grant: "Grant items",
  consume: "Consume items",
  credit: "Credit currency",
  debit: "Debit currency",
  setMetric: "Set a metric",
  setCapacity: "Set capacity",
  disconnect: "Disconnect the player",
};

export type Field = "category" | "itemId" | "quantity" | "currency" | "amount" | "name" | "value" | "capacity";

/** The inputs each action shows. */
export const fieldsOf: Record<ActionKind, readonly Field[]> = {
  grant: ["category", "itemId", "quantity"],
  consume: ["category", "itemId", "quantity"],
  credit: ["currency", "amount"],
  debit: ["currency", "amount"],
  setMetric: ["category", "name", "value"],
  setCapacity: ["category", "capacity"],
  disconnect: [],
};

/** The form's values as typed (text inputs). */
export type FormValues = Partial<Record<Field | "reason", string>>;

/** What the form asks for: an op on the player's state, or closing its connections; or what is wrong with it. */
export type Act = { op: InventoryOp; reason: string } | { disconnect: true; reason: string } | { problem: string };

/** The act the form makes, or what is wrong with it. */
export function actionOp(kind: ActionKind, values: FormValues): Act {
  const text = (field: Field | "reason") => (values[field] ?? "").trim();
  const reason = text("reason");
  if (reason === "") return { problem: "Say why: the reason is kept in the player's history." };
  const whole = (field: Field, label: string): number | string => {
    const value = Number(text(field));
    return text(field) !== "" && Number.isSafeInteger(value) && value >= 1 ? value : `${label} must be a whole number of at least 1.`;
  };
  const required = (field: Field, label: string): string | undefined => (text(field) === "" ? `${label} is required.` : undefined);
  switch (kind) {
    case "grant":
    case "consume": {
      const missing = required("category", "The category") ?? required("itemId", "The item");
      if (missing) return { problem: missing };
      const quantity = whole("quantity", "The quantity");
      if (typeof quantity === "string") return { problem: quantity };
      return { op: { type: kind, category: text("category"), itemId: text("itemId"), quantity }, reason };
    }
    case "credit":
    case "debit": {
      const missing = required("currency", "The currency");
      if (missing) return { problem: missing };
      const amount = whole("amount", "The amount");
      if (typeof amount === "string") return { problem: amount };
      return { op: { type: kind, currency: text("currency"), amount }, reason };
    }
    case "setMetric": {
      const missing = required("category", "The category") ?? required("name", "The metric");
      if (missing) return { problem: missing };
      const value = Number(text("value"));
      if (text("value") === "" || !Number.isFinite(value)) return { problem: "The value must be a number." };
      return { op: { type: "setMetric", category: text("category"), name: text("name"), value }, reason };
    }
    case "setCapacity": {
      const missing = required("category", "The category");
      if (missing) return { problem: missing };
      // Empty = unlimited.
      if (text("capacity") === "") return { op: { type: "setCapacity", category: text("category"), capacity: null }, reason };
      const capacity = Number(text("capacity"));
      if (!Number.isSafeInteger(capacity) || capacity < 0) return { problem: "The capacity must be a whole number (empty = unlimited)." };
      return { op: { type: "setCapacity", category: text("category"), capacity }, reason };
    }
    case "disconnect":
      return { disconnect: true, reason };
  }
}

/** The question before closing a player's connections: it names the player and what follows. */
export function disconnectConfirmation(playerId: string): string {
  return `Disconnect every connection of ${playerId}, on every node? Each client is told the reason and does not reconnect by itself.`;
}

/** Kinds of history entry an operator can undo (the node decides again: INVENTORY_NOT_REVERSIBLE). */
const undoneAs: Record<string, "change" | "trade" | "refund"> = {
  "inventory:apply": "change",
  "trades:accept": "trade",
  "trades:execute": "trade",
  "cart:checkout": "refund",
};

/** Whether undoing the entry also undoes another player's side (a trade). */
export function isTrade(entry: Pick<HistoryEntry, "kind">): boolean {
  return undoneAs[entry.kind] === "trade";
}

/** Whether the history shows a reverse button on the entry (a checkout that charged nothing has nothing to refund). */
export function isReversible(entry: Pick<HistoryEntry, "kind" | "ops" | "reverses">): boolean {
  return entry.reverses === undefined && undoneAs[entry.kind] !== undefined && entry.ops.length > 0;
}

/** The button's label and the question naming the player, the version and what it undoes. */
export function reverseQuestion(
  playerId: string,
  entry: Pick<HistoryEntry, "kind" | "version">,
  undoes: string,
  /** A trade's other player, when known. */
  counterpart?: string,
): { label: string; question: string } {
  switch (undoneAs[entry.kind]) {
    case "trade":
      return {
        label: "Reverse trade…",
        question: `Reverse the trade of v${entry.version} for ${playerId} and ${counterpart ?? "the other player"}, both in one commit (${playerId}'s side: ${undoes})?`,
      };
    case "refund":
      return {
        label: "Refund…",
        question: `Refund the checkout v${entry.version} of ${playerId}: take back the items and return the currency (${undoes})?`,
      };
    default:
      return { label: "Reverse…", question: `Undo v${entry.version} of ${playerId}: ${undoes}?` };
  }
}

/** "Grant 3 × Potion to alice (bag)?" — the player and the amounts, before anything is sent. */
export function confirmation(playerId: string, op: InventoryOp, itemName: (itemId: string) => string = (id) => id): string {
  switch (op.type) {
    case "grant":
      return `Grant ${formatNumber(op.quantity)} × ${itemName(op.itemId)} to ${playerId} (into ${op.category})?`;
    case "consume":
      return `Take ${formatNumber(op.quantity)} × ${itemName(op.itemId)} from ${playerId} (out of ${op.category})?`;
    case "credit":
      return `Credit ${formatNumber(op.amount)} ${op.currency} to ${playerId}?`;
    case "debit":
      return `Debit ${formatNumber(op.amount)} ${op.currency} from ${playerId}?`;
    case "setMetric":
      return `Set ${op.category} ${op.name} of ${playerId} to ${op.value === null ? "nothing (remove it)" : formatNumber(op.value)}?`;
    case "setCapacity":
      return `Set the capacity of ${playerId}'s ${op.category} to ${op.capacity === null ? "unlimited" : formatNumber(op.capacity)}?`;
    default:
      return `Apply ${op.type} to ${playerId}?`;
  }
}
