/**
 * Duration sketches: fixed logarithmic buckets (the DDSketch mapping) of whole seconds, one
 * histogram per stage (accept, arrive, resolve). Bucket i > 0 holds (γ^(i-1), γ^i] seconds with
 * γ = (1 + α) / (1 - α); its representative 2γ^i / (γ + 1) is within α of every value in it.
 * Bucket 0 holds 0 (and anything not positive). Bucket counts add and subtract, so day and month
 * sketches merge exactly; only the values inside one bucket are lost.
 *
 * Quantiles follow the type-7 definition of shared percentile(): h = (n - 1)·p, interpolated
 * between the order statistics at floor(h) and ceil(h). Each of the two is estimated within α
 * (relative), and so is their convex combination: the estimate is within α of the exact type-7
 * percentile of the same values.
 */
import type { DurationStats } from './scores.dto.js';

/** Relative error bound of every estimated percentile. */
export const SKETCH_RELATIVE_ERROR = 0.01;
const GAMMA = (1 + SKETCH_RELATIVE_ERROR) / (1 - SKETCH_RELATIVE_ERROR);
const LOG_GAMMA = Math.log(GAMMA);
/** Buckets per stage: up to γ^1199 s (about 700 years). */
const BUCKETS = 1200;
export const STAGES = ['accept', 'arrive', 'resolve'] as const;
export type Stage = (typeof STAGES)[number];

function bucketOf(seconds: number): number {
  if (!(seconds > 0)) return 0;
  return Math.min(BUCKETS - 1, Math.max(1, Math.ceil(Math.log(seconds) / LOG_GAMMA - 1e-9)));
}

function valueOf(bucket: number): number {
  return bucket === 0 ? 0 : (2 * GAMMA ** bucket) / (GAMMA + 1);
}

/** Three stage histograms; counts may go negative while subtracting, never in a result. */
export class DurationSketch {
  readonly counts: Record<Stage, Float64Array> = {
    accept: new Float64Array(BUCKETS),
    arrive: new Float64Array(BUCKETS),
    resolve: new Float64Array(BUCKETS),
  };

  add(stage: Stage, seconds: number): void {
    this.counts[stage][bucketOf(seconds)] += 1;
  }

  /** Add (sign 1) or subtract (sign -1) an encoded sketch. */
  addEncoded(buf: Buffer | Uint8Array, sign = 1): void {
    const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    for (let at = 0; at + 7 <= buf.byteLength; at += 7) {
      const stage = STAGES[view.getUint8(at)];
      this.counts[stage][view.getUint16(at + 1, true)] += sign * view.getUint32(at + 3, true);
    }
  }

  merge(other: DurationSketch, sign = 1): void {
    for (const s of STAGES) {
      const into = this.counts[s];
      const from = other.counts[s];
      for (let i = 0; i < BUCKETS; i++) if (from[i]) into[i] += sign * from[i];
    }
  }

  /** Entries (stage u8, bucket u16, count u32), little-endian, non-zero buckets only. */
  encode(): Buffer {
    const entries: Array<[number, number, number]> = [];
    STAGES.forEach((s, si) => {
      const c = this.counts[s];
      for (let i = 0; i < BUCKETS; i++) if (c[i] > 0) entries.push([si, i, c[i]]);
    });
    const buf = Buffer.alloc(entries.length * 7);
    entries.forEach(([s, i, n], k) => {
      buf.writeUInt8(s, k * 7);
      buf.writeUInt16LE(i, k * 7 + 1);
      buf.writeUInt32LE(n, k * 7 + 3);
    });
    return buf;
  }

  count(stage: Stage = 'accept'): number {
    let n = 0;
    for (const x of this.counts[stage]) n += x;
    return n;
  }

  /** Estimated type-7 percentiles in minutes, marked with their relative error bound. */
  stats(stage: Stage): DurationStats {
    const c = this.counts[stage];
    const n = this.count(stage);
    const at = (rank: number) => {
      let seen = 0;
      for (let i = 0; i < BUCKETS; i++) {
        seen += c[i];
        if (seen > rank) return valueOf(i);
      }
      return valueOf(BUCKETS - 1);
    };
    const q = (p: number) => {
      if (!n) return null;
      const h = (n - 1) * (p / 100);
      const lo = Math.floor(h);
      const a = at(lo);
      const b = h > lo ? at(lo + 1) : a;
      return (a + (h - lo) * (b - a)) / 60;
    };
    return { n, medianMinutes: q(50), p90Minutes: q(90), relativeError: SKETCH_RELATIVE_ERROR };
  }
}
