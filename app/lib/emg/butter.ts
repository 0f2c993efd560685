/**
 * Digital Butterworth design as second-order sections, reproducing
 * `scipy.signal.butter(N, Wn, btype, fs=fs, output='sos')` step by step:
 * analog prototype (`buttap`) → frequency transform (`lp2bp_zpk` …) → bilinear transform with
 * pre-warping (`bilinear_zpk`) → `zpk2sos(pairing='nearest')`.
 */
import { type Complex, cabs, cadd, cconj, cdiv, cmul, cscale, csqrt, csub, cx, isReal } from "./complex";

/** Second-order sections, one row `[b0, b1, b2, a0, a1, a2]` per section (a0 = 1). */
export type Sos = number[][];

export interface Zpk {
  z: Complex[];
  p: Complex[];
  k: number;
}

export type BandType = "bandpass" | "lowpass" | "highpass";

/** Analog Butterworth low-pass prototype of order N (`scipy.signal.buttap`). */
export function buttap(N: number): Zpk {
  const p: Complex[] = [];
  for (let m = -N + 1; m < N; m += 2) {
    const theta = (Math.PI * m) / (2 * N);
    p.push(cx(-Math.cos(theta), -Math.sin(theta)));
  }
  return { z: [], p, k: 1 };
}

const prodComplex = (values: Complex[]): Complex => values.reduce((acc, v) => cmul(acc, v), cx(1));

/** Low-pass → band-pass with centre `wo` and width `bw` (rad/s) (`scipy.signal.lp2bp_zpk`). */
export function lp2bpZpk({ z, p, k }: Zpk, wo: number, bw: number): Zpk {
  const degree = p.length - z.length;
  const wo2 = cx(wo * wo);
  const transform = (values: Complex[]): Complex[] => {
    const lp = values.map((v) => cscale(cscale(v, bw), 0.5));
    const roots = lp.map((v) => csqrt(csub(cmul(v, v), wo2)));
    return [...lp.map((v, i) => cadd(v, roots[i])), ...lp.map((v, i) => csub(v, roots[i]))];
  };
  const zBp = transform(z);
  for (let i = 0; i < degree; i++) zBp.push(cx(0));
  return { z: zBp, p: transform(p), k: k * bw ** degree };
}

/** Low-pass → low-pass with cut-off `wo` (`scipy.signal.lp2lp_zpk`). */
export function lp2lpZpk({ z, p, k }: Zpk, wo: number): Zpk {
  const degree = p.length - z.length;
  return { z: z.map((v) => cscale(v, wo)), p: p.map((v) => cscale(v, wo)), k: k * wo ** degree };
}

/** Low-pass → high-pass with cut-off `wo` (`scipy.signal.lp2hp_zpk`). */
export function lp2hpZpk({ z, p, k }: Zpk, wo: number): Zpk {
  const degree = p.length - z.length;
  const zHp = z.map((v) => cdiv(cx(wo), v));
  for (let i = 0; i < degree; i++) zHp.push(cx(0));
  const gain = cdiv(prodComplex(z.map((v) => cscale(v, -1))), prodComplex(p.map((v) => cscale(v, -1))));
  return { z: zHp, p: p.map((v) => cdiv(cx(wo), v)), k: k * gain.re };
}

/** Analog → digital by the bilinear transform at sampling rate `fs` (`scipy.signal.bilinear_zpk`). */
export function bilinearZpk({ z, p, k }: Zpk, fs: number): Zpk {
  const degree = p.length - z.length;
  const fs2 = cx(2.0 * fs);
  const zZ = z.map((v) => cdiv(cadd(fs2, v), csub(fs2, v)));
  for (let i = 0; i < degree; i++) zZ.push(cx(-1));
  const pZ = p.map((v) => cdiv(cadd(fs2, v), csub(fs2, v)));
  const gain = cdiv(prodComplex(z.map((v) => csub(fs2, v))), prodComplex(p.map((v) => csub(fs2, v))));
  return { z: zZ, p: pZ, k: k * gain.re };
}

/**
 * Splits roots into one member of each complex-conjugate pair (positive imaginary part, averaged
 * with its conjugate) and the real ones, both sorted as `scipy.signal._filter_design._cplxreal`.
 */
function cplxreal(values: Complex[]): { complex: Complex[]; real: number[] } {
  if (values.length === 0) return { complex: [], real: [] };
  const tol = 100 * Number.EPSILON;
  const sorted = [...values].sort((a, b) => a.re - b.re || Math.abs(a.im) - Math.abs(b.im));
  const real: number[] = [];
  const rest: Complex[] = [];
  for (const v of sorted) {
    if (Math.abs(v.im) <= tol * cabs(v)) real.push(v.re);
    else rest.push(v);
  }
  const zp = rest.filter((v) => v.im > 0);
  const zn = rest.filter((v) => v.im < 0);
  if (zp.length !== zn.length) throw new RangeError("zpk2sos: complex roots do not come in conjugate pairs");
  // Runs of (nearly) equal real part are ordered by |imag| so that pairs line up.
  let start = 0;
  while (start < zp.length) {
    let stop = start + 1;
    while (stop < zp.length && zp[stop].re - zp[stop - 1].re <= tol * cabs(zp[stop - 1])) stop++;
    if (stop - start > 1) {
      const byImag = (a: Complex, b: Complex) => Math.abs(a.im) - Math.abs(b.im);
      zp.splice(start, stop - start, ...zp.slice(start, stop).sort(byImag));
      zn.splice(start, stop - start, ...zn.slice(start, stop).sort(byImag));
    }
    start = stop;
  }
  const complex = zp.map((v, i) => {
    const c = cconj(zn[i]);
    if (cabs(csub(v, c)) > tol * cabs(zn[i])) {
      throw new RangeError("zpk2sos: complex roots do not come in conjugate pairs");
    }
    return cscale(cadd(v, c), 0.5);
  });
  return { complex, real };
}

/** Index of the root closest to the unit circle (first on a tie). */
function idxWorst(values: Complex[], candidates?: number[]): number {
  const indexes = candidates ?? values.map((_, i) => i);
  let best = indexes[0];
  let bestDistance = Math.abs(1 - cabs(values[best]));
  for (const i of indexes) {
    const d = Math.abs(1 - cabs(values[i]));
    if (d < bestDistance) {
      best = i;
      bestDistance = d;
    }
  }
  return best;
}

/** Index in `from` of the root nearest to `to`, restricted to real or complex roots when asked. */
function nearestIdx(from: Complex[], to: Complex, which: "any" | "real" | "complex"): number {
  const order = from.map((_, i) => i).sort((a, b) => cabs(csub(from[a], to)) - cabs(csub(from[b], to)));
  if (which === "any") return order[0];
  const found = order.find((i) => (which === "real" ? isReal(from[i]) : !isReal(from[i])));
  if (found === undefined) throw new RangeError(`zpk2sos: no ${which} root left to pair`);
  return found;
}

/** Coefficients of the monic polynomial with the given roots (`numpy.poly`), real part. */
function polyReal(roots: Complex[]): number[] {
  let coeffs: Complex[] = [cx(1)];
  for (const r of roots) {
    const next: Complex[] = coeffs.map((c) => c).concat([cx(0)]);
    for (let i = 1; i < next.length; i++) next[i] = csub(next[i], cmul(coeffs[i - 1], r));
    coeffs = next;
  }
  return coeffs.map((c) => c.re);
}

function singleSection(z: Complex[], p: Complex[]): number[] {
  const section = [0, 0, 0, 0, 0, 0];
  const b = polyReal(z);
  const a = polyReal(p);
  for (let i = 0; i < b.length; i++) section[3 - b.length + i] = b[i];
  for (let i = 0; i < a.length; i++) section[6 - a.length + i] = a[i];
  return section;
}

/**
 * Zeros, poles and gain → second-order sections, `scipy.signal.zpk2sos(z, p, k, pairing='nearest')`
 * for a digital filter: poles closest to the unit circle go last, each paired with its nearest zeros;
 * the gain sits in the first section.
 */
export function zpk2sos({ z: zIn, p: pIn, k }: Zpk): Sos {
  if (zIn.length === 0 && pIn.length === 0) return [[k, 0, 0, 1, 0, 0]];
  const pPad = [...pIn];
  const zPad = [...zIn];
  while (pPad.length < zPad.length) pPad.push(cx(0));
  while (zPad.length < pPad.length) zPad.push(cx(0));
  const nSections = Math.floor((Math.max(pPad.length, zPad.length) + 1) / 2);
  if (pPad.length % 2 === 1) {
    pPad.push(cx(0));
    zPad.push(cx(0));
  }
  const zSplit = cplxreal(zPad);
  const pSplit = cplxreal(pPad);
  let z: Complex[] = [...zSplit.complex, ...zSplit.real.map((r) => cx(r))];
  let p: Complex[] = [...pSplit.complex, ...pSplit.real.map((r) => cx(r))];
  const take = (values: Complex[], i: number): [Complex, Complex[]] => [values[i], values.filter((_, j) => j !== i)];
  const sos: Sos = Array.from({ length: nSections }, () => [0, 0, 0, 0, 0, 0]);
  for (let si = nSections - 1; si >= 0; si--) {
    let p1: Complex;
    [p1, p] = take(p, idxWorst(p));
    const realPolesLeft = p.filter(isReal).length;
    if (isReal(p1) && realPolesLeft === 0) {
      // Last remaining real pole: pair it with the nearest real zero.
      let z1: Complex;
      [z1, z] = take(z, nearestIdx(z, p1, "real"));
      sos[si] = singleSection([z1, cx(0)], [p1, cx(0)]);
    } else if (p.length + 1 === z.length && !isReal(p1) && realPolesLeft === 1 && z.filter(isReal).length === 1) {
      // One real pole and one real zero left: the complex pole must take a complex zero.
      let z1: Complex;
      [z1, z] = take(z, nearestIdx(z, p1, "complex"));
      sos[si] = singleSection([z1, cconj(z1)], [p1, cconj(p1)]);
    } else {
      let p2: Complex;
      if (isReal(p1)) {
        const realIdx = p.map((_, i) => i).filter((i) => isReal(p[i]));
        [p2, p] = take(p, idxWorst(p, realIdx));
      } else {
        p2 = cconj(p1);
      }
      if (z.length > 0) {
        let z1: Complex;
        [z1, z] = take(z, nearestIdx(z, p1, "any"));
        if (!isReal(z1)) {
          sos[si] = singleSection([z1, cconj(z1)], [p1, p2]);
        } else if (z.length > 0) {
          let z2: Complex;
          [z2, z] = take(z, nearestIdx(z, p1, "real"));
          sos[si] = singleSection([z1, z2], [p1, p2]);
        } else {
          sos[si] = singleSection([z1], [p1, p2]);
        }
      } else {
        sos[si] = singleSection([], [p1, p2]);
      }
    }
  }
  for (let i = 0; i < 3; i++) sos[0][i] *= k;
  return sos;
}

/**
 * Digital Butterworth filter as SOS, `scipy.signal.butter(N, Wn, btype, fs=fs, output='sos')`.
 *
 * @param N filter order (the band-pass has 2N poles, N sections)
 * @param Wn cut-off(s) in Hz: `[low, high]` for a band-pass, a single frequency otherwise
 * @param fs sampling rate in Hz; every cut-off must lie strictly inside (0, fs/2)
 */
export function butter(N: number, Wn: number | [number, number], btype: BandType, fs: number): Sos {
  if (!Number.isInteger(N) || N < 1) throw new RangeError(`butter: order must be a positive integer, got ${N}`);
  const cutoffs = typeof Wn === "number" ? [Wn] : Wn;
  if ((btype === "bandpass") !== (cutoffs.length === 2)) {
    throw new RangeError(`butter: ${btype} needs ${btype === "bandpass" ? "two cut-offs" : "one cut-off"}`);
  }
  // Normalise to Nyquist, then pre-warp for the bilinear transform at fs = 2 (as SciPy does).
  const normalised = cutoffs.map((f) => (2 * f) / fs);
  for (const w of normalised) {
    if (!(w > 0 && w < 1)) throw new RangeError(`butter: cut-off frequencies must lie in (0, fs/2 = ${fs / 2}) Hz`);
  }
  const warped = normalised.map((w) => 2 * 2.0 * Math.tan((Math.PI * w) / 2.0));
  const prototype = buttap(N);
  let analog: Zpk;
  if (btype === "bandpass") {
    if (!(warped[0] < warped[1])) throw new RangeError("butter: low cut-off must be below the high cut-off");
    analog = lp2bpZpk(prototype, Math.sqrt(warped[0] * warped[1]), warped[1] - warped[0]);
  } else if (btype === "lowpass") {
    analog = lp2lpZpk(prototype, warped[0]);
  } else {
    analog = lp2hpZpk(prototype, warped[0]);
  }
  return zpk2sos(bilinearZpk(analog, 2.0));
}
