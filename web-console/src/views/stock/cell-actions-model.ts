import { formatNumber } from "../../lib/format";

/**
 * The stock adjustments an admin makes from one grid cell (one key, one day), as pure
 * functions: the change the form makes, or what is wrong with it, and the confirmation that
 * names the key, the day and the amounts. The node checks everything again.
 */
export const cellActions = ["acquire", "sell", "setPartitions"] as const;
export type CellAction = (typeof cellActions)[number];

export const cellActionLabels: Record<CellAction, string> = {
  acquire: "Acquire units",
  sell: "Sell units",
  setPartitions: "Set partitions",
};

const partitionName = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$/;

export type CellChange =
  | { type: "acquire"; amount: number; partition?: string }
  | { type: "sell"; amount: number; partition?: string }
  | { type: "setPartitions"; partitions: Record<string, number> };

export function cellChange(
  kind: CellAction,
  values: { amount: string; partition: string; partitions: string },
): { change: CellChange } | { problem: string } {
  const partition = values.partition.trim();
  if (partition !== "" && !partitionName.test(partition)) return { problem: "A partition name is letters, digits, _ . - (≤ 32)." };
  if (kind === "setPartitions") {
    const partitions: Record<string, number> = {};
    for (const pair of values.partitions.split(/[\s,]+/).filter(Boolean)) {
      const [name = "", count = ""] = pair.split("=");
      const value = Number(count);
      if (!partitionName.test(name) || count === "" || !Number.isSafeInteger(value) || value < 0)
        return { problem: `“${pair}”: write partition=units, e.g. p0=5 (whole units ≥ 0).` };
      partitions[name] = value;
    }
    return { change: { type: "setPartitions", partitions } };
  }
  const amount = Number(values.amount);
  if (values.amount.trim() === "" || !Number.isSafeInteger(amount) || amount < 1)
    return { problem: "The amount must be a whole number of at least 1." };
  return { change: { type: kind, amount, ...(partition ? { partition } : {}) } };
}

/** "Sell 2 units of sup/c1/u3 on 2025-03-01 (from p0)?" */
export function cellConfirmation(key: string, day: string, change: CellChange, before: Record<string, number>): string {
  switch (change.type) {
    case "acquire":
      return `Add ${formatNumber(change.amount)} units to ${key} on ${day} (into ${change.partition ?? "default"})?`;
    case "sell":
      return `Sell ${formatNumber(change.amount)} units of ${key} on ${day} (${change.partition ? `from ${change.partition}` : "from its partitions in name order"})?`;
    case "setPartitions": {
      const after = Object.entries(change.partitions).map(([name, count]) => `${name}=${formatNumber(count)}`);
      const removed = Object.keys(before).filter((name) => !(name in change.partitions));
      return `Set the partitions of ${key} on ${day} to ${after.length ? after.join(", ") : "none"}${removed.length ? ` (removes ${removed.join(", ")})` : ""}?`;
    }
  }
}
