// Compact forms of unit vectors for the local index: int8 with a scale for exact-enough rescoring,
// and a ternary sketch (two bitsets: clearly positive, clearly negative) small enough to keep every
// indexed item in isolate memory and score them all per query.

/** float32 scale followed by one int8 per dimension: a quarter of the float32 size. */
export function quantize(v: Float32Array): Uint8Array {
  let max = 0;
  for (const x of v) max = Math.max(max, Math.abs(x));
  const out = new Uint8Array(4 + v.length);
  const scale = max / 127 || 1;
  new DataView(out.buffer).setFloat32(0, scale, true);
  const q = new Int8Array(out.buffer, 4);
  for (let i = 0; i < v.length; i++) q[i] = Math.round(v[i]! / scale);
  return out;
}

/** Dot product of a stored quantized vector with a float query. */
export function quantizedDot(stored: Uint8Array, query: Float32Array): number {
  const scale = new DataView(stored.buffer, stored.byteOffset, 4).getFloat32(0, true);
  const q = new Int8Array(stored.buffer, stored.byteOffset + 4, stored.byteLength - 4);
  let dot = 0;
  for (let i = 0; i < q.length; i++) dot += q[i]! * query[i]!;
  return dot * scale;
}

export const sketchWords = (dimensions: number) => 2 * Math.ceil(dimensions / 32);

/**
 * Bit i of the first half is set when v[i] is clearly positive, of the second half when clearly
 * negative; "clearly" = beyond a third of the vector's mean non-zero magnitude, so hash noise drops out.
 */
export function sketch(v: Float32Array): Uint32Array {
  const half = sketchWords(v.length) / 2;
  const out = new Uint32Array(half * 2);
  let sum = 0;
  let count = 0;
  for (const x of v) if (x !== 0) (sum += Math.abs(x)), count++;
  const threshold = count ? sum / count / 3 : 0;
  for (let i = 0; i < v.length; i++) {
    const x = v[i]!;
    if (x > threshold) out[i >>> 5]! |= 1 << (i & 31);
    else if (x < -threshold) out[half + (i >>> 5)]! |= 1 << (i & 31);
  }
  return out;
}

/** The query's non-zero dimensions, which are all a sketch score needs to look at. */
export function sparse(query: Float32Array): { dims: Int32Array; values: Float32Array } {
  const dims: number[] = [];
  for (let i = 0; i < query.length; i++) if (query[i] !== 0) dims.push(i);
  return { dims: Int32Array.from(dims), values: Float32Array.from(dims, (i) => query[i]!) };
}

/** Approximate dot product: the query's values summed with the sign the sketch kept for each dimension. */
export function sketchScore(bits: Uint32Array, offset: number, half: number, q: { dims: Int32Array; values: Float32Array }): number {
  let score = 0;
  for (let k = 0; k < q.dims.length; k++) {
    const i = q.dims[k]!;
    const mask = 1 << (i & 31);
    const word = offset + (i >>> 5);
    if (bits[word]! & mask) score += q.values[k]!;
    else if (bits[word + half]! & mask) score -= q.values[k]!;
  }
  return score;
}
