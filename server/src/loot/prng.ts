/**
 * sfc32 ("Small Fast Chaotic", 32-bit), by Chris Doty-Humphrey, from PractRand
 * (https://pracrand.sourceforge.net; passes PractRand and BigCrush). Written here as a pure
 * function of its seed rather than taken from Math.random, because a loot draw must give the
 * same outcome from the same (seed, table) on every node, release and replay, forever:
 *
 *   t = a + b + counter; counter += 1
 *   a = b ^ (b >>> 9);  b = c + (c << 3);  c = rotl(c, 21) + t;  return t
 *
 * Seeding follows PractRand's: the state is set from the seed (here all 128 bits: a, b, c and
 * the counter), then 12 outputs are discarded so that close seeds give unrelated streams.
 * Changing any of this changes every replay: never do, add another algorithm instead.
 */
export type Uint32Source = () => number;

const SEED_ROUNDS = 12;
const TWO_32 = 2 ** 32;
const TWO_53 = 2 ** 53;

/** An sfc32 stream from a 128-bit seed given as 32 hex characters. */
export function sfc32(seedHex: string): Uint32Source {
  if (!/^[0-9a-f]{32}$/.test(seedHex)) throw new Error("an sfc32 seed is 32 lower-case hex characters");
  let a = Number.parseInt(seedHex.slice(0, 8), 16) | 0;
  let b = Number.parseInt(seedHex.slice(8, 16), 16) | 0;
  let c = Number.parseInt(seedHex.slice(16, 24), 16) | 0;
  let counter = Number.parseInt(seedHex.slice(24, 32), 16) | 0;
  const next = (): number => {
    const t = (((a + b) | 0) + counter) | 0;
    counter = (counter + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (((c << 21) | (c >>> 11)) + t) | 0;
    return t >>> 0;
  };
  for (let i = 0; i < SEED_ROUNDS; i++) next();
  return next;
}

/**
 * A uniform integer in [0, n), n ≤ 2^53, without modulo bias: draws that fall in the last
 * incomplete block of n are rejected and drawn again (rare: at most one in two, usually far fewer).
 * Below 2^32 one output per try; above, 53 bits from two outputs (21 high + 32 low).
 */
export function below(next: Uint32Source, n: number): number {
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`below(${n}): n must be a positive safe integer`);
  const wide = n > TWO_32;
  const space = wide ? TWO_53 : TWO_32;
  const limit = space - (space % n);
  for (;;) {
    const x = wide ? (next() & 0x1fffff) * TWO_32 + next() : next();
    if (x < limit) return x % n;
  }
}
