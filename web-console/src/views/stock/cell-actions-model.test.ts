import { describe, expect, it } from "vitest";
import { cellChange, cellConfirmation } from "./cell-actions-model";

describe("stock cell actions", () => {
  const empty = { amount: "", partition: "", partitions: "" };

  it("makes each change or says what is wrong", () => {
    expect(cellChange("acquire", { ...empty, amount: "5", partition: "p0" })).toEqual({
      change: { type: "acquire", amount: 5, partition: "p0" },
    });
    expect(cellChange("sell", { ...empty, amount: "0" })).toHaveProperty("problem");
    expect(cellChange("sell", { ...empty, amount: "2", partition: "bad name" })).toHaveProperty("problem");
    expect(cellChange("setPartitions", { ...empty, partitions: "p0=5, p1=0" })).toEqual({
      change: { type: "setPartitions", partitions: { p0: 5, p1: 0 } },
    });
    expect(cellChange("setPartitions", { ...empty, partitions: "p0=-1" })).toHaveProperty("problem");
  });

  it("names the key, the day, the amounts and the partitions a change removes", () => {
    expect(cellConfirmation("s/c/u", "2025-03-01", { type: "sell", amount: 2 }, {})).toBe(
      "Sell 2 units of s/c/u on 2025-03-01 (from its partitions in name order)?",
    );
    expect(cellConfirmation("s/c/u", "2025-03-01", { type: "setPartitions", partitions: { p0: 5 } }, { p0: 1, p1: 3 })).toBe(
      "Set the partitions of s/c/u on 2025-03-01 to p0=5 (removes p1)?",
    );
  });
});
