/**
 * Compact in-memory indexes for the ContactPoint directory (docs/decisions/0007). A million children
 * must fit in well under 512 MB, so keys are 64-bit string hashes in typed arrays rather than
 * strings in Maps (a Map of a million UUID keys alone costs about 200 MB).
 *
 * Two different strings share a 64-bit hash with probability about n^2 / 2^65: 3e-8 for a million
 * keys. Where a false match would change an outcome silently, the directory checks the candidate
 * against the stored message; elsewhere that probability is accepted.
 */

/** A 64-bit key as two independent 32-bit halves. */
export interface Key {
  hi: number;
  lo: number;
}

/** FNV-1a and a murmur-style multiply-xorshift over UTF-16 code units, each finished with fmix32. */
export function hash64(s: string): Key {
  let a = 0x811c9dc5;
  let b = 0x9747b28c ^ s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 13;
  }
  return { hi: fmix(a) >>> 0, lo: fmix(b ^ a) >>> 0 };
}

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** A string as a 52-bit number (for columns compared by equality, e.g. postcodes). */
export function hash52(s: string): number {
  const h = hash64(s);
  return (h.hi & 0xfffff) * 0x100000000 + h.lo;
}

const EMPTY = -1;
const DELETED = -2;

/**
 * Open-addressing multimap from a 64-bit key to non-negative int32 values (linear probing,
 * tombstones, grows at 70% load). A key may hold several values; a (key, value) pair is held once.
 */
export class HashIndex {
  private hi: Uint32Array;
  private lo: Uint32Array;
  private val: Int32Array;
  private mask: number;
  /** Live entries plus tombstones: what fills the probe chains. */
  private filled = 0;
  private live = 0;

  constructor(capacity = 16) {
    const cap = 1 << Math.ceil(Math.log2(Math.max(16, capacity)));
    this.hi = new Uint32Array(cap);
    this.lo = new Uint32Array(cap);
    this.val = new Int32Array(cap).fill(EMPTY);
    this.mask = cap - 1;
  }

  get size(): number {
    return this.live;
  }

  /** Bytes of its arrays (capacity, not just what is used). */
  get bytes(): number {
    return this.hi.byteLength + this.lo.byteLength + this.val.byteLength;
  }

  /** The first value under the key, or -1. */
  first(k: Key): number {
    const { hi, lo } = k;
    for (let i = (lo ^ Math.imul(hi, 0x9e3779b1)) & this.mask; ; i = (i + 1) & this.mask) {
      const v = this.val[i]!;
      if (v === EMPTY) return -1;
      if (v >= 0 && this.lo[i] === lo && this.hi[i] === hi) return v;
    }
  }

  /** Every value under the key, in no particular order. */
  all(k: Key): number[] {
    const out: number[] = [];
    const { hi, lo } = k;
    for (let i = (lo ^ Math.imul(hi, 0x9e3779b1)) & this.mask; ; i = (i + 1) & this.mask) {
      const v = this.val[i]!;
      if (v === EMPTY) return out;
      if (v >= 0 && this.lo[i] === lo && this.hi[i] === hi) out.push(v);
    }
  }

  add(k: Key, value: number): void {
    if (value < 0) throw new RangeError('HashIndex values are non-negative');
    const { hi, lo } = k;
    let free = -1;
    let i = (lo ^ Math.imul(hi, 0x9e3779b1)) & this.mask;
    for (; ; i = (i + 1) & this.mask) {
      const v = this.val[i]!;
      if (v === EMPTY) break;
      if (v === DELETED) {
        if (free < 0) free = i;
      } else if (v === value && this.lo[i] === lo && this.hi[i] === hi) return;
    }
    if (free < 0) {
      free = i;
      this.filled++;
    }
    this.hi[free] = hi;
    this.lo[free] = lo;
    this.val[free] = value;
    this.live++;
    if (this.filled > this.mask * 0.7) this.rehash();
  }

  delete(k: Key, value: number): boolean {
    const { hi, lo } = k;
    for (let i = (lo ^ Math.imul(hi, 0x9e3779b1)) & this.mask; ; i = (i + 1) & this.mask) {
      const v = this.val[i]!;
      if (v === EMPTY) return false;
      if (v === value && this.lo[i] === lo && this.hi[i] === hi) {
        this.val[i] = DELETED;
        this.live--;
        return true;
      }
    }
  }

  /** Doubles when mostly live; otherwise rebuilds at the same size to clear tombstones. */
  private rehash(): void {
    const { hi, lo, val } = this;
    const cap = this.live > (this.mask + 1) * 0.35 ? (this.mask + 1) * 2 : this.mask + 1;
    this.hi = new Uint32Array(cap);
    this.lo = new Uint32Array(cap);
    this.val = new Int32Array(cap).fill(EMPTY);
    this.mask = cap - 1;
    this.filled = 0;
    this.live = 0;
    const k = { hi: 0, lo: 0 };
    for (let i = 0; i < val.length; i++) {
      if (val[i]! < 0) continue;
      k.hi = hi[i]!;
      k.lo = lo[i]!;
      this.add(k, val[i]!);
    }
  }
}

type Typed = Int32Array | Uint32Array | Float64Array | Uint8Array;

/** Grows a column to hold index n (doubling), keeping its contents. */
export function ensure<T extends Typed>(col: T, n: number, fill = 0): T {
  if (n < col.length) return col;
  let cap = col.length || 16;
  while (cap <= n) cap *= 2;
  const next = new (col.constructor as new (n: number) => T)(cap);
  if (fill !== 0) next.fill(fill);
  next.set(col);
  return next;
}
