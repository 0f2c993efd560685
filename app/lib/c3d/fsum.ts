/**
 * Correctly rounded floating-point sum, like Python's `math.fsum`.
 *
 * Shewchuk's algorithm ("Adaptive Precision Floating-Point Arithmetic", 1997), as in CPython: keep a
 * list of non-overlapping partial sums whose exact total equals the exact sum so far (each new value
 * is added with error-free two-sum steps), then add the partials from the largest down, fixing the
 * final half-way case so the result is the float nearest the exact sum (ties to even).
 *
 * Parameters
 * ----------
 * values : array of float64. NaN anywhere gives NaN; +inf and −inf together give NaN; otherwise an
 *     infinite input gives that infinity.
 *
 * Returns
 * -------
 * The exact sum rounded once to float64. Throws RangeError if the exact sum of finite values
 * overflows float64 (as `math.fsum` raises OverflowError).
 */
export function fsum(values: ArrayLike<number>): number {
  // Non-overlapping partials span at most the 2098 binary exponents of float64, so there are few;
  // the buffer still grows if needed.
  let partials = new Float64Array(64);
  let count = 0;
  let special = 0; // sum of the non-finite inputs: NaN or ±inf propagate the IEEE way
  let sawSpecial = false;
  for (let k = 0; k < values.length; k++) {
    let x = values[k];
    if (!Number.isFinite(x)) {
      special += x;
      sawSpecial = true;
      continue;
    }
    let i = 0;
    for (let j = 0; j < count; j++) {
      let y = partials[j];
      if (Math.abs(x) < Math.abs(y)) {
        const t = x;
        x = y;
        y = t;
      }
      const hi = x + y;
      const lo = y - (hi - x);
      if (lo !== 0) partials[i++] = lo;
      x = hi;
    }
    if (!Number.isFinite(x)) throw new RangeError("fsum: intermediate overflow");
    if (i === partials.length) {
      const grown = new Float64Array(2 * partials.length);
      grown.set(partials);
      partials = grown;
    }
    partials[i] = x;
    count = i + 1;
  }
  if (sawSpecial) return special;

  let n = count;
  if (n === 0) return 0;
  let hi = partials[--n];
  let lo = 0;
  while (n > 0) {
    const x = hi;
    const y = partials[--n];
    hi = x + y;
    lo = y - (hi - x);
    if (lo !== 0) break;
  }
  // Round half to even across partials: if the remainder below `lo` has the same sign as `lo`, the
  // exact sum lies beyond the half-way point that `hi + lo` would otherwise round to even from.
  if (n > 0 && ((lo < 0 && partials[n - 1] < 0) || (lo > 0 && partials[n - 1] > 0))) {
    const y = lo * 2;
    const x = hi + y;
    if (y === x - hi) hi = x;
  }
  return hi;
}
