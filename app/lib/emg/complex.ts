/**
 * Minimal complex arithmetic for filter design. Operations follow NumPy's float64 complex loops
 * (Smith's division, principal square root) so designed coefficients agree with SciPy to the last bits.
 */
export interface Complex {
  re: number;
  im: number;
}

export const cx = (re: number, im = 0): Complex => ({ re, im });
export const cadd = (a: Complex, b: Complex): Complex => cx(a.re + b.re, a.im + b.im);
export const csub = (a: Complex, b: Complex): Complex => cx(a.re - b.re, a.im - b.im);
export const cmul = (a: Complex, b: Complex): Complex => cx(a.re * b.re - a.im * b.im, a.re * b.im + a.im * b.re);
export const cscale = (a: Complex, s: number): Complex => cx(a.re * s, a.im * s);
export const cconj = (a: Complex): Complex => cx(a.re, -a.im);
export const cabs = (a: Complex): number => Math.hypot(a.re, a.im);
export const isReal = (a: Complex): boolean => a.im === 0;

/** Complex division by Smith's method, as NumPy's `complex128` divide loop. */
export function cdiv(a: Complex, b: Complex): Complex {
  const absRe = Math.abs(b.re);
  const absIm = Math.abs(b.im);
  if (absRe >= absIm) {
    if (absRe === 0 && absIm === 0) return cx(a.re / absRe, a.im / absIm);
    const rat = b.im / b.re;
    const scl = 1.0 / (b.re + b.im * rat);
    return cx((a.re + a.im * rat) * scl, (a.im - a.re * rat) * scl);
  }
  const rat = b.re / b.im;
  const scl = 1.0 / (b.im + b.re * rat);
  return cx((a.re * rat + a.im) * scl, (a.im * rat - a.re) * scl);
}

/** Principal square root (branch cut on the negative real axis), as C99 `csqrt`. */
export function csqrt(a: Complex): Complex {
  if (a.re === 0 && a.im === 0) return cx(0, a.im);
  const r = Math.hypot(a.re, a.im);
  if (a.re >= 0) {
    const t = Math.sqrt(0.5 * (r + a.re));
    return cx(t, a.im / (2 * t));
  }
  const t = Math.sqrt(0.5 * (r - a.re));
  return cx(Math.abs(a.im) / (2 * t), Object.is(a.im, -0) || a.im < 0 ? -t : t);
}
