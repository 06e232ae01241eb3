// Seeded randomness for the demo data. Math.random would make every seed run different, and the
// generator's promise is that the same seed gives byte-identical rows (ids included), so screenshots,
// benchmarks and bug reports can all name "seed 1" and mean the same street.

/** splitmix32: spreads a small integer seed over all 32 bits, so seeds 1 and 2 start far apart. */
function splitmix32(state: number): () => number {
  let s = state >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** FNV-1a over a label, so forks can be named ("street-2") instead of numbered by hand. */
function hashLabel(label: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < label.length; i++) {
    h ^= label.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export type Weighted<T> = readonly (readonly [T, number])[];

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

/**
 * sfc32 (Chris Doty-Humphrey's small fast counter): 128 bits of state, passes PractRand far beyond
 * what a demo street needs, and uses only 32-bit integer ops, so it is fast and identical on every
 * JavaScript engine.
 */
export class Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  readonly seed: number;

  constructor(seed: number) {
    this.seed = seed >>> 0;
    const mix = splitmix32(this.seed);
    this.a = mix();
    this.b = mix();
    this.c = mix();
    this.d = mix();
    // The first outputs of a freshly seeded sfc32 are still correlated with the seed.
    for (let i = 0; i < 12; i++) this.uint32();
  }

  /** An independent stream derived from this seed and a label; drawing from it leaves this one untouched. */
  fork(label: string): Random {
    return new Random((this.seed ^ hashLabel(label)) >>> 0);
  }

  uint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.uint32() / 4294967296;
  }

  /** Integer in [min, max], both ends included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  float(min: number, max: number): number {
    return min + this.next() * (max - min);
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError("pick from an empty list");
    return items[Math.floor(this.next() * items.length)];
  }

  /** One item, chosen with probability proportional to its weight. For hot loops, use weightedPicker. */
  weighted<T>(entries: Weighted<T>): T {
    let total = 0;
    for (const [, w] of entries) total += w;
    let x = this.next() * total;
    for (const [item, w] of entries) {
      x -= w;
      if (x < 0) return item;
    }
    return entries[entries.length - 1][0];
  }

  /** Normally distributed (Box–Muller). */
  normal(mean = 0, sd = 1): number {
    const u = 1 - this.next(); // (0, 1]: log(0) would be -Infinity
    const v = this.next();
    return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** Rounded normal, clamped into [min, max]. */
  normalInt(mean: number, sd: number, min: number, max: number): number {
    return Math.min(max, Math.max(min, Math.round(this.normal(mean, sd))));
  }

  /** Exponential with the given mean: ages past 60, waiting times. */
  exponential(mean: number): number {
    return -mean * Math.log(1 - this.next());
  }

  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [items[i], items[j]] = [items[j], items[i]];
    }
    return items;
  }

  /** A string of `length` characters drawn from `alphabet`. */
  chars(alphabet: string, length: number): string {
    let out = "";
    for (let i = 0; i < length; i++) out += alphabet[Math.floor(this.next() * alphabet.length)];
    return out;
  }

  /** `length` decimal digits (leading zeros allowed). */
  digits(length: number): string {
    return this.chars("0123456789", length);
  }

  /** A UUID with version 4 and RFC 4122 variant bits, drawn from this stream: same seed, same ids. */
  uuid(): string {
    const w0 = this.uint32();
    const w1 = this.uint32();
    const w2 = this.uint32();
    const w3 = this.uint32();
    const b = [
      w0 >>> 24,
      (w0 >>> 16) & 255,
      (w0 >>> 8) & 255,
      w0 & 255,
      w1 >>> 24,
      (w1 >>> 16) & 255,
      ((w1 >>> 8) & 255 & 0x0f) | 0x40,
      w1 & 255,
      ((w2 >>> 24) & 255 & 0x3f) | 0x80,
      (w2 >>> 16) & 255,
      (w2 >>> 8) & 255,
      w2 & 255,
      w3 >>> 24,
      (w3 >>> 16) & 255,
      (w3 >>> 8) & 255,
      w3 & 255,
    ];
    const h = b.map((x) => HEX[x]);
    return `${h[0]}${h[1]}${h[2]}${h[3]}-${h[4]}${h[5]}-${h[6]}${h[7]}-${h[8]}${h[9]}-${h[10]}${h[11]}${h[12]}${h[13]}${h[14]}${h[15]}`;
  }
}

/**
 * A weighted picker with the cumulative weights computed once: a binary search per draw instead of
 * a walk over the list, for tables drawn from tens of thousands of times.
 */
export function weightedPicker<T>(entries: Weighted<T>): (rng: Random) => T {
  if (entries.length === 0) throw new RangeError("weightedPicker needs at least one entry");
  const items = entries.map(([item]) => item);
  const cumulative: number[] = [];
  let total = 0;
  for (const [, w] of entries) {
    if (!(w >= 0)) throw new RangeError("weights must be non-negative numbers");
    total += w;
    cumulative.push(total);
  }
  return (rng) => {
    const x = rng.next() * total;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cumulative[mid] > x) hi = mid;
      else lo = mid + 1;
    }
    return items[lo];
  };
}
