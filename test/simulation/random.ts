/**
 * The simulation's only source of randomness: mulberry32 over a 32-bit seed, with the few draws
 * the simulation needs. Every decision of a schedule comes from one of these, so its seed
 * reproduces it. Never Math.random, never the clock.
 */
export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }

  /** A generator for a sub-decision, so adding draws to one part never shifts another's. */
  fork(): Random {
    return new Random(Math.floor(this.next() * 4294967296));
  }
}
