import { MAX_STOCK_COUNT, MAX_STOCK_PARTITIONS } from "@hoard/protocol";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeCounts, encodeCounts } from "./stock-codec";

describe("stock count blobs", () => {
  it("decode what they encode, for every count and partition id in bounds", () => {
    const pair = fc.tuple(fc.integer({ min: 1, max: 2 ** 31 }), fc.integer({ min: -MAX_STOCK_COUNT, max: MAX_STOCK_COUNT }));
    fc.assert(
      fc.property(fc.array(pair, { maxLength: MAX_STOCK_PARTITIONS }), (pairs) => {
        expect(decodeCounts(Buffer.from(encodeCounts(pairs, (id) => id)))).toEqual(pairs);
      }),
      { numRuns: 2000 },
    );
  });

  it("spends two bytes on a small id and a small count", () => {
    expect([
      ...encodeCounts(
        [
          [1, 5],
          [2, -1],
          [3, 0],
        ],
        (id) => id,
      ),
    ]).toEqual([1, 10, 2, 1, 3, 0]);
    expect(encodeCounts([["p", 63]], () => 7)).toHaveLength(2);
    expect(encodeCounts([["p", 64]], () => 7)).toHaveLength(3);
  });
});
