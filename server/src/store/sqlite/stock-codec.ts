/**
 * The partitions of one key's day, packed in one blob: (partition id, count) pairs as unsigned
 * varints, the count zigzag-encoded (0, -1, 1, -2 … → 0, 1, 2, 3 …). Everyday counts cost 2–3
 * bytes a partition. Arithmetic instead of bit operators: counts reach ±10^13, past 32 bits.
 */

/** Enough for MAX_STOCK_PARTITIONS pairs of a 5-byte id and a 7-byte count. */
const scratch = Buffer.alloc(1024);

function put(at: number, value: number): number {
  let rest = value;
  while (rest >= 128) {
    scratch[at++] = (rest % 128) + 128;
    rest = Math.floor(rest / 128);
  }
  scratch[at++] = rest;
  return at;
}

/**
 * Packs (partition, count) pairs, each partition by its id. The blob is a view of a shared buffer, valid until the next call: bind it
 * to a statement right away (sqlite copies it).
 */
export function encodeCounts<P>(partitions: Iterable<readonly [partition: P, count: number]>, idOf: (partition: P) => number): Buffer {
  let at = 0;
  for (const [partition, count] of partitions) {
    at = put(at, idOf(partition));
    at = put(at, count >= 0 ? count * 2 : -count * 2 - 1);
  }
  return scratch.subarray(0, at);
}

/** `encodeCounts` for a record of partition name → count, without building the pairs. */
export function encodeRecord(partitions: Readonly<Record<string, number>>, idOf: (name: string) => number): Buffer {
  let at = 0;
  for (const name in partitions) {
    const count = partitions[name] as number;
    at = put(at, idOf(name));
    at = put(at, count >= 0 ? count * 2 : -count * 2 - 1);
  }
  return scratch.subarray(0, at);
}

export function decodeCounts(blob: Uint8Array): Array<[id: number, count: number]> {
  const pairs: Array<[number, number]> = [];
  let at = 0;
  const next = () => {
    let value = 0;
    let scale = 1;
    for (;;) {
      const byte = blob[at++] as number;
      value += (byte % 128) * scale;
      if (byte < 128) return value;
      scale *= 128;
    }
  };
  while (at < blob.length) {
    const id = next();
    const zigzag = next();
    pairs.push([id, zigzag % 2 === 0 ? zigzag / 2 : -(zigzag + 1) / 2]);
  }
  return pairs;
}
