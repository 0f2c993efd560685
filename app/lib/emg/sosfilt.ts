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
 * state `zi` (length 2·nsections, updated in place to the final state); `reverse` runs from the last
 * sample to the first.
 *
 * Sections are run in groups of up to four per sweep, each group sample by sample with coefficients
 * and state in locals: one section alone is bound by the latency of its recursion, while consecutive
 * sections of one sample are independent of the next sample's and overlap in the CPU pipeline.
 * Grouping does not change any floating-point operation: each section sees the same inputs in the
 * same order as in SciPy's sample-major loop.
 */
export function sosfiltInPlace(sos: Sos, x: Float64Array, zi: Float64Array, reverse = false): void {
  for (const section of sos) {
    if (section[3] !== 1) throw new RangeError("sosfilt: every section must have a0 = 1");
  }
  for (let first = 0; first < sos.length; first += 4) {
    cascadeGroup(sos, first, Math.min(4, sos.length - first), x, zi, reverse);
  }
}

const IDENTITY = [1, 0, 0, 1, 0, 0];

/** Runs sections first … first+count−1 (count ≤ 4) over the whole signal; missing ones are identities. */
function cascadeGroup(sos: Sos, first: number, count: number, x: Float64Array, zi: Float64Array, reverse: boolean): void {
  const section = (k: number) => (k < count ? sos[first + k] : IDENTITY);
  const [p0, p1, p2, , p4, p5] = section(0);
  const [q0, q1, q2, , q4, q5] = section(1);
  const [r0, r1, r2, , r4, r5] = section(2);
  const [s0, s1, s2, , s4, s5] = section(3);
  const state = (k: number, j: number) => (k < count ? zi[2 * (first + k) + j] : 0);
  let pz0 = state(0, 0);
  let pz1 = state(0, 1);
  let qz0 = state(1, 0);
  let qz1 = state(1, 1);
  let rz0 = state(2, 0);
  let rz1 = state(2, 1);
  let sz0 = state(3, 0);
  let sz1 = state(3, 1);
  const n = x.length;
  const step = reverse ? -1 : 1;
  for (let j = 0, i = reverse ? n - 1 : 0; j < n; j++, i += step) {
    const xi = x[i];
    const y0 = p0 * xi + pz0;
    pz0 = p1 * xi - p4 * y0 + pz1;
    pz1 = p2 * xi - p5 * y0;
    const y1 = q0 * y0 + qz0;
    qz0 = q1 * y0 - q4 * y1 + qz1;
    qz1 = q2 * y0 - q5 * y1;
    const y2 = r0 * y1 + rz0;
    rz0 = r1 * y1 - r4 * y2 + rz1;
    rz1 = r2 * y1 - r5 * y2;
    const y3 = s0 * y2 + sz0;
    sz0 = s1 * y2 - s4 * y3 + sz1;
    sz1 = s2 * y2 - s5 * y3;
    x[i] = count === 1 ? y0 : count === 2 ? y1 : count === 3 ? y2 : y3;
  }
  const finals = [pz0, pz1, qz0, qz1, rz0, rz1, sz0, sz1];
  for (let k = 0; k < count; k++) {
    zi[2 * (first + k)] = finals[2 * k];
    zi[2 * (first + k) + 1] = finals[2 * k + 1];
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
  // A view without the extension: saves copying the whole signal once more.
  return ext.subarray(padlen, padlen + n);
}
