import seedrandom from 'seedrandom'

/**
 * seedrandom's tychei takes an integer seed directly (its fast path; the typings only say string),
 * which skips string hashing: about 0.5 µs per entity instead of several.
 */
const tychei = (seed: number) => seedrandom.tychei(seed as unknown as string)

/** FNV-1a of a tag, once per tag (kind names and sub-streams). */
export function tagHash(tag: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < tag.length; i++) h = Math.imul(h ^ tag.charCodeAt(i), 0x01000193)
  return h >>> 0
}

function fmix(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b)
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35)
  return (h ^ (h >>> 16)) >>> 0
}

/**
 * The per-entity seed: a 32-bit hash of (world seed, kind tag, index). Any entity can be generated
 * alone, so shards and workers produce the same bytes as one serial run.
 */
export function entitySeed(seed: number, tag: number, index: number): number {
  let h = fmix(seed ^ 0x9e3779b9)
  h = fmix(h ^ tag)
  h = fmix(h ^ (index >>> 0))
  return fmix(h ^ Math.floor(index / 0x100000000))
}

/** A uniform [0, 1) from (seed, tag, index) without building a generator: for cheap derived facts. */
export function hashUnit(seed: number, tag: number, index: number): number {
  return entitySeed(seed, tag, index) / 0x100000000
}

/** Draw helpers over any uniform [0, 1) source. */
export abstract class Draws {
  abstract next(): number

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n)
  }

  /** Integer in [lo, hi]. */
  range(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1))
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!
  }

  chance(p: number): boolean {
    return this.next() < p
  }

  /** Exponential with the given mean. */
  exp(mean: number): number {
    return -Math.log(1 - this.next()) * mean
  }
}

/**
 * The seedrandom-backed randomizer injected into faker (`new Faker({ randomizer })`) and used for
 * our own draws where faker's are mixed in. `seed(n)` restarts it at a per-entity seed
 * (seedrandom's tychei, integer-seeded).
 */
export class SeededRandomizer extends Draws {
  private prng: () => number = tychei(0)

  // Arrow properties: faker calls them detached from the object.
  override next = (): number => this.prng()

  seed = (seed: number | number[]): void => {
    const s = Array.isArray(seed) ? seed.reduce((h, v) => fmix(h ^ v), 0x2545f491) : seed
    this.prng = tychei(s | 0)
  }
}

/**
 * seedrandom's tychei, re-seeded in place: the same numbers as `seedrandom.tychei(seed)` for an
 * integer seed (`test/rng.test.ts` holds the two side by side), without the generator object
 * and closures seedrandom builds per seed. The high-volume kinds seed once per row, tens of
 * millions of times at `large`, and those allocations were a fifth of a row's cost.
 */
export class EntityStream extends Draws {
  private a = 0
  private b = 0
  private c = 0
  private d = 0

  /** Restarts at an integer seed, as seedrandom's tychei does (then discards 20 outputs). */
  seed(seed: number): void {
    // SeededRandomizer hands seedrandom `seed | 0`; so do we.
    const s = seed | 0
    this.a = (s / 0x100000000) | 0
    this.b = s
    this.c = 2654435769 | 0
    this.d = 1367130551
    for (let k = 0; k < 20; k++) this.step()
  }

  override next(): number {
    return (this.step() >>> 0) / 0x100000000
  }

  private step(): number {
    let b = this.b
    let c = this.c
    let d = this.d
    let a = this.a
    b = (b << 25) ^ (b >>> 7) ^ c
    c = (c - d) | 0
    d = (d << 24) ^ (d >>> 8) ^ a
    a = (a - b) | 0
    this.b = b = (b << 20) ^ (b >>> 12) ^ c
    this.c = c = (c - d) | 0
    this.d = (d << 16) ^ (c >>> 16) ^ a
    this.a = (a - b) | 0
    return this.a
  }
}

/** Weighted choice over a fixed table, built once (cumulative shares). */
export class WeightedTable<T> {
  readonly values: T[]
  readonly cumulative: number[]

  constructor(weights: ReadonlyArray<readonly [T, number]>) {
    const total = weights.reduce((s, [, w]) => s + w, 0)
    let acc = 0
    this.values = weights.map(([v]) => v)
    this.cumulative = weights.map(([, w]) => {
      acc += w / total
      return acc
    })
  }

  pick(u: number): T {
    return this.values[this.index(u)]!
  }

  /** Index of the value at cumulative share `u`. */
  index(u: number): number {
    const c = this.cumulative
    for (let i = 0; i < c.length - 1; i++) if (u < c[i]!) return i
    return c.length - 1
  }

  /** Normalized share of `value`. */
  share(value: T): number {
    const i = this.values.indexOf(value)
    return i < 0 ? 0 : this.cumulative[i]! - (i > 0 ? this.cumulative[i - 1]! : 0)
  }
}
