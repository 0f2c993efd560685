/**
 * The complex FFT Welch runs on two real segments at once (z = a + i·b), with the detrending and
 * windowing of both segments done inside the FFT's first pass instead of in a separate buffer.
 *
 * The arithmetic is fft.js's radix-4 `FFT#transform` (version 4.0.4) operation for operation: the
 * same twiddle table, the same bit-reversed first stage, the same butterflies in the same order
 * (fft.js multiplies by `inv` = 1 for a forward transform, which is exact and left out here). The
 * spectrum is therefore bit for bit that of `fft.transform` on the windowed segments, which
 * tests/unit/emg/segment-fft.test.ts checks. Decision 065 says why this is not simply fft.js.
 */

export interface SegmentPairFft {
  /** Transform length N (a power of two ≥ 2). */
  readonly size: number;
  /**
   * Writes to `out` (2N floats, interleaved re/im) the FFT of z[j] = w[j]·(x[a + j] − meanA) +
   * i·w[j]·(x[b + j] − meanB), j = 0 … N − 1.
   */
  transform(x: Float64Array, a: number, b: number, meanA: number, meanB: number, window: Float64Array, out: Float64Array): void;
}

/** fft.js's twiddle table for an FFT of `size`: cos and −sin of π·i/size at even and odd i. */
export function fftJsTwiddles(size: number): Float64Array {
  const csize = size << 1;
  const table = new Float64Array(csize);
  for (let i = 0; i < csize; i += 2) {
    const angle = (Math.PI * i) / size;
    table[i] = Math.cos(angle);
    table[i + 1] = -Math.sin(angle);
  }
  return table;
}

/**
 * fft.js's first-stage layout for `size`: `width` (log2 size − 1 when log2 size is even, so the
 * first stage is radix 4, else log2 size with a radix-2 first stage) and its bit-reversal table.
 */
export function fftJsBitReversal(size: number): { width: number; bitrev: Int32Array } {
  let power = 0;
  for (let t = 1; size > t; t <<= 1) power++;
  const width = power % 2 === 0 ? power - 1 : power;
  const bitrev = new Int32Array(1 << width);
  for (let j = 0; j < bitrev.length; j++) {
    for (let shift = 0; shift < width; shift += 2) {
      bitrev[j] |= ((j >>> shift) & 3) << (width - shift - 2);
    }
  }
  return { width, bitrev };
}

/** The FFT of length `size` (a power of two ≥ 2). */
export function segmentPairFft(size: number): SegmentPairFft {
  if (!(size >= 2 && (size & (size - 1)) === 0)) throw new RangeError(`segmentPairFft: size must be a power of two ≥ 2, got ${size}`);
  const csize = size << 1;
  const table = fftJsTwiddles(size);
  // First stage: radix-4 over groups of 8 floats when log2 N is even, radix-2 over groups of 4 else.
  const { width, bitrev } = fftJsBitReversal(size);
  const firstStep = 1 << width;
  const firstLen = (csize / firstStep) << 1;
  /** Complex-sample distance between the inputs of one first-stage butterfly. */
  const quarter = firstStep >> 1;

  function transform(x: Float64Array, a: number, b: number, meanA: number, meanB: number, window: Float64Array, out: Float64Array): void {
    if (firstLen === 8) {
      for (let outOff = 0, t = 0; outOff < csize; outOff += 8, t++) {
        const j0 = bitrev[t] >> 1;
        const j1 = j0 + quarter;
        const j2 = j1 + quarter;
        const j3 = j2 + quarter;
        const Ar = window[j0] * (x[a + j0] - meanA);
        const Ai = window[j0] * (x[b + j0] - meanB);
        const Br = window[j1] * (x[a + j1] - meanA);
        const Bi = window[j1] * (x[b + j1] - meanB);
        const Cr = window[j2] * (x[a + j2] - meanA);
        const Ci = window[j2] * (x[b + j2] - meanB);
        const Dr = window[j3] * (x[a + j3] - meanA);
        const Di = window[j3] * (x[b + j3] - meanB);
        const T0r = Ar + Cr;
        const T0i = Ai + Ci;
        const T1r = Ar - Cr;
        const T1i = Ai - Ci;
        const T2r = Br + Dr;
        const T2i = Bi + Di;
        const T3r = Br - Dr;
        const T3i = Bi - Di;
        out[outOff] = T0r + T2r;
        out[outOff + 1] = T0i + T2i;
        out[outOff + 2] = T1r + T3i;
        out[outOff + 3] = T1i - T3r;
        out[outOff + 4] = T0r - T2r;
        out[outOff + 5] = T0i - T2i;
        out[outOff + 6] = T1r - T3i;
        out[outOff + 7] = T1i + T3r;
      }
    } else {
      for (let outOff = 0, t = 0; outOff < csize; outOff += 4, t++) {
        const even = bitrev[t] >> 1;
        const odd = even + quarter;
        const evenR = window[even] * (x[a + even] - meanA);
        const evenI = window[even] * (x[b + even] - meanB);
        const oddR = window[odd] * (x[a + odd] - meanA);
        const oddI = window[odd] * (x[b + odd] - meanB);
        out[outOff] = evenR + oddR;
        out[outOff + 1] = evenI + oddI;
        out[outOff + 2] = evenR - oddR;
        out[outOff + 3] = evenI - oddI;
      }
    }
    for (let step = firstStep >> 2; step >= 2; step >>= 2) {
      const len = (csize / step) << 1;
      const quarterLen = len >>> 2;
      for (let outOff = 0; outOff < csize; outOff += len) {
        const limit = outOff + quarterLen;
        for (let i = outOff, k = 0; i < limit; i += 2, k += step) {
          const A = i;
          const B = A + quarterLen;
          const C = B + quarterLen;
          const D = C + quarterLen;
          const Ar = out[A];
          const Ai = out[A + 1];
          const Br = out[B];
          const Bi = out[B + 1];
          const Cr = out[C];
          const Ci = out[C + 1];
          const Dr = out[D];
          const Di = out[D + 1];
          const tableBr = table[k];
          const tableBi = table[k + 1];
          const MBr = Br * tableBr - Bi * tableBi;
          const MBi = Br * tableBi + Bi * tableBr;
          const tableCr = table[2 * k];
          const tableCi = table[2 * k + 1];
          const MCr = Cr * tableCr - Ci * tableCi;
          const MCi = Cr * tableCi + Ci * tableCr;
          const tableDr = table[3 * k];
          const tableDi = table[3 * k + 1];
          const MDr = Dr * tableDr - Di * tableDi;
          const MDi = Dr * tableDi + Di * tableDr;
          const T0r = Ar + MCr;
          const T0i = Ai + MCi;
          const T1r = Ar - MCr;
          const T1i = Ai - MCi;
          const T2r = MBr + MDr;
          const T2i = MBi + MDi;
          const T3r = MBr - MDr;
          const T3i = MBi - MDi;
          out[A] = T0r + T2r;
          out[A + 1] = T0i + T2i;
          out[B] = T1r + T3i;
          out[B + 1] = T1i - T3r;
          out[C] = T0r - T2r;
          out[C + 1] = T0i - T2i;
          out[D] = T1r - T3i;
          out[D + 1] = T1i + T3r;
        }
      }
    }
  }

  return { size, transform };
}
