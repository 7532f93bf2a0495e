/**
 * Per-order columns reused by this thread's next simulation. A grid cell allocated ~13 MB of them
 * per million orders (flags, ship times, backorder positions); memory outside the JS heap counts
 * towards V8's next full collection, so every cell or two started a concurrent marking, whose
 * helper threads take a core the other grid thread needs. `simulate` is synchronous and never
 * re-entered, so one buffer per kind serves it; the largest one met is kept (a 10M-order run
 * leaves ~130 MB here, as the cell-inputs memo keeps its arrivals).
 */
let bytes: Uint8Array | undefined
let doubles: Float64Array | undefined
let ints: Int32Array | undefined

/** `n` zeroed bytes. */
export function scratchBytes(n: number): Uint8Array {
  if (!bytes || bytes.length < n) bytes = new Uint8Array(n)
  return bytes.subarray(0, n).fill(0)
}

/** `n` doubles, each `value`. */
export function scratchDoubles(n: number, value: number): Float64Array {
  if (!doubles || doubles.length < n) doubles = new Float64Array(n)
  return doubles.subarray(0, n).fill(value)
}

/** `n` zeroed 32-bit integers. */
export function scratchInts(n: number): Int32Array {
  if (!ints || ints.length < n) ints = new Int32Array(n)
  return ints.subarray(0, n).fill(0)
}
