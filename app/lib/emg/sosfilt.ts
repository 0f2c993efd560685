/**
 * Second-order-section filtering with SciPy semantics: `sosfilt` (direct form II transposed,
 * section after section for each sample), `sosfilt_zi` and the zero-phase `sosfiltfilt`.
 */
import type { Sos } from "./butter";

/**
 * Steady-state initial conditions of one direct-form-II-transposed section for a unit step input
 * (`scipy.signal.lfilter_zi` for a biquad): solves (I − Aᵀ)·zi = b[1:] − a[1:]·b0 by LU with partial
 * pivoting, as LAPACK `gesv` does for the 2 × 2 case.
 */
function biquadZi(b: number[], a: number[]): [number, number] {
  let [b0, b1, b2] = b;
  let [a0, a1, a2] = a;
  if (a0 !== 1) {
    b0 /= a0;
    b1 /= a0;
    b2 /= a0;
    a1 /= a0;
    a2 /= a0;
    a0 = 1;
  }
  // I − companion(a)ᵀ = [[1 + a1, −1], [a2, 1]]
  let m00 = 1 + a1;
  let m01 = -1;
  let m10 = a2;
  let m11 = 1;
  let r0 = b1 - a1 * b0;
  let r1 = b2 - a2 * b0;
  if (Math.abs(m10) > Math.abs(m00)) {
    [m00, m10] = [m10, m00];
    [m01, m11] = [m11, m01];
    [r0, r1] = [r1, r0];
  }
  const l = m10 * (1 / m00);
  const u11 = m11 - l * m01;
  const y1 = r1 - l * r0;
  const x1 = y1 / u11;
  const x0 = (r0 - x1 * m01) / m00;
  return [x0, x1];
}

/**
 * Initial conditions for `sosfilt` giving the steady state of the step response
 * (`scipy.signal.sosfilt_zi`): one `[z0, z1]` pair per section, each scaled by the DC gain of the
 * sections before it. Multiply by the first input sample to start a filter without a transient.
 */
export function sosfiltZi(sos: Sos): Float64Array {
  const zi = new Float64Array(sos.length * 2);
  let scale = 1.0;
  sos.forEach((section, s) => {
    const b = section.slice(0, 3);
    const a = section.slice(3, 6);
    const [z0, z1] = biquadZi(b, a);
    zi[2 * s] = scale * z0;
    zi[2 * s + 1] = scale * z1;
    scale *= (b[0] + b[1] + b[2]) / (a[0] + a[1] + a[2]);
  });
  return zi;
}

/**
 * Filters `x` in place through the cascade of sections (`scipy.signal.sosfilt`), starting from the
 * state `zi` (length 2·nsections, updated in place to the final state).
 */
export function sosfiltInPlace(sos: Sos, x: Float64Array, zi: Float64Array, reverse = false): void {
  const nSections = sos.length;
  const coeffs = new Float64Array(nSections * 5);
  for (let s = 0; s < nSections; s++) {
    const [b0, b1, b2, a0, a1, a2] = sos[s];
    if (a0 !== 1) throw new RangeError("sosfilt: every section must have a0 = 1");
    coeffs.set([b0, b1, b2, a1, a2], 5 * s);
  }
  const n = x.length;
  const step = reverse ? -1 : 1;
  for (let j = 0, i = reverse ? n - 1 : 0; j < n; j++, i += step) {
    let cur = x[i];
    for (let s = 0, c = 0, z = 0; s < nSections; s++, c += 5, z += 2) {
      const next = coeffs[c] * cur + zi[z];
      zi[z] = coeffs[c + 1] * cur - coeffs[c + 3] * next + zi[z + 1];
      zi[z + 1] = coeffs[c + 2] * cur - coeffs[c + 4] * next;
      cur = next;
    }
    x[i] = cur;
  }
}

/** Filters `x` through the cascade (`scipy.signal.sosfilt`), from rest unless `zi` is given. */
export function sosfilt(sos: Sos, x: Float64Array, zi?: Float64Array): Float64Array {
  const y = Float64Array.from(x);
  sosfiltInPlace(sos, y, zi ? Float64Array.from(zi) : new Float64Array(sos.length * 2));
  return y;
}

/**
 * Default pad length of `sosfiltfilt`: 3·(2·nsections + 1 − min(#sections with b2 = 0,
 * #sections with a2 = 0)) — 27 for a fourth-order band-pass.
 */
export function sosfiltfiltPadlen(sos: Sos): number {
  const b2Zero = sos.filter((s) => s[2] === 0).length;
  const a2Zero = sos.filter((s) => s[5] === 0).length;
  return 3 * (2 * sos.length + 1 - Math.min(b2Zero, a2Zero));
}

/**
 * Zero-phase forward-backward filtering, `scipy.signal.sosfiltfilt(sos, x)` with its defaults:
 * odd extension of `padlen` samples at both ends, each pass started from `sosfilt_zi` scaled by the
 * first sample it sees, extension removed.
 *
 * @throws RangeError when `x.length <= padlen` (the odd extension would need samples that do not exist)
 */
export function sosfiltfilt(sos: Sos, x: Float64Array, padlen = sosfiltfiltPadlen(sos)): Float64Array {
  const n = x.length;
  if (n <= padlen) {
    throw new RangeError(`sosfiltfilt: the signal has ${n} samples; it must be longer than padlen = ${padlen}`);
  }
  const ext = new Float64Array(n + 2 * padlen);
  const first = x[0];
  const last = x[n - 1];
  for (let i = 0; i < padlen; i++) {
    ext[i] = 2 * first - x[padlen - i];
    ext[padlen + n + i] = 2 * last - x[n - 2 - i];
  }
  ext.set(x, padlen);
  const zi = sosfiltZi(sos);
  const state = new Float64Array(zi.length);
  for (let i = 0; i < zi.length; i++) state[i] = zi[i] * ext[0];
  sosfiltInPlace(sos, ext, state);
  const lastForward = ext[ext.length - 1];
  for (let i = 0; i < zi.length; i++) state[i] = zi[i] * lastForward;
  sosfiltInPlace(sos, ext, state, true);
  return ext.slice(padlen, padlen + n);
}
