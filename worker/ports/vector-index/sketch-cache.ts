import { bytes } from "../../lib/encoding";
import { sketchScore, sketchWords, type sparse } from "./quantize";

const TYPES = { post: 1, comment: 2 } as const;
type Kind = keyof typeof TYPES;

export interface SketchRow {
  id: string;
  type: Kind;
  submolt_id: string;
  /** null for a removed item (tombstone). */
  sketch: ArrayBuffer | number[] | null;
  seq: number;
}

/**
 * Heap bytes one cached item costs: its 256-byte sketch at 1024 dimensions, kind, submolt and
 * sequence number, the id string and its map entry (measured in a heap snapshot: docs/development.md,
 * "Its memory under load"). Rounded up, so the budget is an upper bound.
 */
export const BYTES_PER_ITEM = 400;

/** How many items a budget holds. */
export const capacityFor = (budgetBytes: number) => Math.max(1, Math.floor(budgetBytes / BYTES_PER_ITEM));

/**
 * The newest indexed items' ternary sketches, kept in isolate memory within a byte budget and
 * brought up to date from D1 by sequence number before a query (at most every FRESH_MS, local.ts).
 * Past the budget the items indexed longest ago give up their slots: they are still found by
 * keywords, not by meaning.
 * Each slot remembers the sequence number it holds, so concurrent refreshes (one per request: an
 * in-flight refresh cannot be shared across requests in workerd) never put an older row back.
 */
export class SketchCache {
  /** Highest `seq` applied: everything at or below it is reflected here. */
  seq = 0;
  /** Items that gave up their slot to a newer one. */
  evicted = 0;
  readonly capacity: number;
  private readonly half: number;
  private readonly slotOf = new Map<string, number>();
  private ids: string[] = [];
  private kinds = new Uint8Array(1024);
  private submolts = new Int32Array(1024);
  private seqs = new Float64Array(1024);
  private readonly submoltIndex = new Map<string, number>();
  private bits: Uint32Array;
  /** Once full, the next slot to reuse: slots fill in sequence order, so this is the oldest. */
  private next = 0;

  constructor(
    readonly instance: string,
    readonly dimensions: number,
    budgetBytes: number,
  ) {
    this.half = sketchWords(dimensions) / 2;
    this.capacity = capacityFor(budgetBytes);
    this.bits = new Uint32Array(Math.min(1024, this.capacity) * this.half * 2);
  }

  /** Items held. */
  get size() {
    return this.ids.length;
  }

  apply(rows: SketchRow[]) {
    for (const row of rows) {
      this.seq = Math.max(this.seq, row.seq);
      let slot = this.slotOf.get(row.id);
      if (slot !== undefined && row.seq <= this.seqs[slot]!) continue; // a concurrent refresh got here first
      if (slot === undefined) {
        if (row.sketch === null) continue;
        slot = this.take(row.id);
      }
      this.seqs[slot] = row.seq;
      const sketch = row.sketch === null ? null : bytes(row.sketch);
      // A sketch from another embedding size (mid-migration) cannot be scored against this query.
      if (sketch === null || sketch.byteLength !== this.half * 8) {
        this.kinds[slot] = 0;
      } else {
        this.kinds[slot] = TYPES[row.type];
        let submolt = this.submoltIndex.get(row.submolt_id);
        if (submolt === undefined) this.submoltIndex.set(row.submolt_id, (submolt = this.submoltIndex.size));
        this.submolts[slot] = submolt;
        this.bits.set(new Uint32Array(sketch.buffer, sketch.byteOffset, this.half * 2), slot * this.half * 2);
      }
    }
  }

  /** A slot for a new id: a fresh one while there is room, else the oldest one's. */
  private take(id: string): number {
    let slot: number;
    if (this.ids.length < this.capacity) {
      slot = this.ids.length;
      this.grow(slot + 1);
      this.ids.push(id);
    } else {
      slot = this.next;
      this.next = (this.next + 1) % this.capacity;
      this.slotOf.delete(this.ids[slot]!);
      this.ids[slot] = id;
      this.evicted++;
    }
    this.slotOf.set(id, slot);
    return slot;
  }

/** Ids of the `n` live items whose sketches score highest against the query, best first. */
  candidates(q: ReturnType<typeof sparse>, n: number, type?: Kind, submoltId?: string): string[] {
    const wantKind = type ? TYPES[type] : 0;
    const wantSubmolt = submoltId === undefined ? -1 : this.submoltIndex.get(submoltId);
    if (wantSubmolt === undefined) return [];
    const heap = new TopN(n);
    for (let slot = 0; slot < this.ids.length; slot++) {
      const kind = this.kinds[slot]!;
      if (kind === 0 || (wantKind && kind !== wantKind) || (wantSubmolt >= 0 && this.submolts[slot] !== wantSubmolt)) continue;
      heap.offer(slot, sketchScore(this.bits, slot * this.half * 2, this.half, q));
    }
    return heap.sorted().map((slot) => this.ids[slot]!);
  }

  private grow(needed: number) {
    if (needed * this.half * 2 <= this.bits.length) return;
    const size = Math.min(this.capacity, Math.max(needed, (this.bits.length / (this.half * 2)) * 2));
    const kinds = new Uint8Array(size);
    kinds.set(this.kinds.subarray(0, size));
    const submolts = new Int32Array(size);
    submolts.set(this.submolts.subarray(0, size));
    const seqs = new Float64Array(size);
    seqs.set(this.seqs.subarray(0, size));
    const bits = new Uint32Array(size * this.half * 2);
    bits.set(this.bits);
    [this.kinds, this.submolts, this.seqs, this.bits] = [kinds, submolts, seqs, bits];
  }
}

/** Keeps the n highest-scoring slots seen (a min-heap on score). */
class TopN {
  private readonly slots: Int32Array;
  private readonly scores: Float64Array;
  private count = 0;

  constructor(private readonly n: number) {
    this.slots = new Int32Array(n);
    this.scores = new Float64Array(n);
  }

  offer(slot: number, score: number) {
    if (this.n === 0) return;
    if (this.count < this.n) {
      let i = this.count++;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (this.scores[parent]! <= score) break;
        this.slots[i] = this.slots[parent]!;
        this.scores[i] = this.scores[parent]!;
        i = parent;
      }
      this.slots[i] = slot;
      this.scores[i] = score;
      return;
    }
    if (score <= this.scores[0]!) return;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= this.n) break;
      const child = left + 1 < this.n && this.scores[left + 1]! < this.scores[left]! ? left + 1 : left;
      if (this.scores[child]! >= score) break;
      this.slots[i] = this.slots[child]!;
      this.scores[i] = this.scores[child]!;
      i = child;
    }
    this.slots[i] = slot;
    this.scores[i] = score;
  }

  sorted(): number[] {
    return Array.from(this.slots.subarray(0, this.count))
      .map((slot, i) => ({ slot, score: this.scores[i]! }))
      .sort((a, b) => b.score - a.score)
      .map((e) => e.slot);
  }
}
