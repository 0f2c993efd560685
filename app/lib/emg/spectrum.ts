/**
 * Power spectral density by Welch's method, `scipy.signal.welch(x, fs, window='hann',
 * nperseg=…, noverlap=…, detrend='constant', return_onesided=True, scaling='density')`.
 */
import FFT from "fft.js";
import { WELCH_MAX_SEGMENT_SAMPLES } from "~/lib/domain";
import { type SegmentPairFft, segmentPairFft } from "./segment-fft";

export interface Psd {
  /** Bin frequencies in Hz: k · 1/(nperseg · (1/fs)), as `numpy.fft.rfftfreq`. */
  frequencies: Float64Array;
  /** One-sided power spectral density (V²/Hz), averaged over segments. */
  power: Float64Array;
}

/** Periodic Hann window of length M (`scipy.signal.windows.hann(M, sym=False)`). */
export function hannPeriodic(M: number): Float64Array {
  const w = new Float64Array(M);
  if (M === 1) {
    w[0] = 1;
    return w;
  }
  // general_cosine over linspace(−π, π, M + 1), last point dropped.
  const step = (2 * Math.PI) / M;
  for (let i = 0; i < M; i++) w[i] = 0.5 + 0.5 * Math.cos(i * step + -Math.PI);
  return w;
}

const isPowerOfTwo = (n: number) => n >= 2 && (n & (n - 1)) === 0;

/**
 * Per segment length: the Hann window, its energy, the FFT and its work buffers. Welch runs once per
 * muscle on every upload with the same nperseg, so these are built once; the buffers are scratch
 * space that no call keeps (welch is synchronous, so two calls never share them at the same time).
 */
interface WelchPlan {
  window: Float64Array;
  windowEnergy: number;
  /** Real FFT for an odd last segment; null for a length that is not a power of two. */
  fft: FFT | null;
  /** Complex FFT of two detrended, windowed segments at once; null with `fft`. */
  pairFft: SegmentPairFft | null;
  /** One real segment (the odd one out, or every segment without an FFT). */
  segment: Float64Array;
  spectrum: Float64Array;
}

const plans = new Map<number, WelchPlan>();

function welchPlan(nperseg: number): WelchPlan {
  let plan = plans.get(nperseg);
  if (!plan) {
    const window = hannPeriodic(nperseg);
    let windowEnergy = 0;
    for (let i = 0; i < nperseg; i++) windowEnergy += window[i] * window[i];
    const powerOfTwo = isPowerOfTwo(nperseg);
    plan = {
      window,
      windowEnergy,
      fft: powerOfTwo ? new FFT(nperseg) : null,
      pairFft: powerOfTwo ? segmentPairFft(nperseg) : null,
      segment: new Float64Array(nperseg),
      spectrum: new Float64Array(2 * nperseg),
    };
    plans.set(nperseg, plan);
  }
  return plan;
}

/** Mean of x[start … start + n − 1], summed left to right. */
function segmentMean(x: Float64Array, start: number, n: number): number {
  let sum = 0;
  for (let i = start, end = start + n; i < end; i++) sum += x[i];
  return sum / n;
}

/** Adds |X_k|² for k = 0 … floor(n/2) of a real segment by a direct DFT (fft.js needs powers of two). */
function addDftPower(segment: Float64Array, out: Float64Array): void {
  const n = segment.length;
  for (let k = 0; k < out.length; k++) {
    let re = 0;
    let im = 0;
    for (let i = 0; i < n; i++) {
      const angle = (-2 * Math.PI * ((k * i) % n)) / n;
      re += segment[i] * Math.cos(angle);
      im += segment[i] * Math.sin(angle);
    }
    out[k] += re * re + im * im;
  }
}

/**
 * Welch PSD of `x` sampled at `fs` Hz.
 *
 * @param nperseg segment length (default min(WELCH_MAX_SEGMENT_SAMPLES = 256, n))
 * @param noverlap samples shared by consecutive segments (default floor(nperseg/2))
 */
export function welch(
  x: Float64Array,
  fs: number,
  nperseg = Math.min(WELCH_MAX_SEGMENT_SAMPLES, x.length),
  noverlap = Math.floor(nperseg / 2),
): Psd {
  if (nperseg < 1 || nperseg > x.length) throw new RangeError(`welch: nperseg must lie in [1, ${x.length}], got ${nperseg}`);
  if (noverlap < 0 || noverlap >= nperseg) throw new RangeError(`welch: noverlap must lie in [0, nperseg), got ${noverlap}`);
  const { window, pairFft, spectrum } = welchPlan(nperseg);
  const bins = Math.floor(nperseg / 2) + 1;
  const step = nperseg - noverlap;
  const segments = Math.floor((x.length - noverlap) / step);
  const power = new Float64Array(bins);
  let s = 0;
  if (pairFft) {
    // Two real segments a, b per complex FFT of z = a + i·b, split with
    // A[k] = (Z[k] + conj Z[N−k])/2 and B[k] = (Z[k] − conj Z[N−k])/(2i): half the transforms.
    for (; s + 1 < segments; s += 2) {
      const a = s * step;
      const b = a + step;
      // Both means in one loop: two independent addition chains overlap in the CPU, and each keeps
      // the left-to-right order of segmentMean.
      let sumA = 0;
      let sumB = 0;
      for (let i = 0; i < nperseg; i++) {
        sumA += x[a + i];
        sumB += x[b + i];
      }
      // Detrended and windowed inside the FFT's first pass: w[i]·(x[a + i] − meanA) + i·w[i]·(x[b + i] − meanB).
      pairFft.transform(x, a, b, sumA / nperseg, sumB / nperseg, window, spectrum);
      for (let k = 0; k < bins; k++) {
        const m = k === 0 ? 0 : nperseg - k;
        const zr = spectrum[2 * k];
        const zi = spectrum[2 * k + 1];
        const mr = spectrum[2 * m];
        const mi = spectrum[2 * m + 1];
        const ar = zr + mr;
        const ai = zi - mi;
        const br = zi + mi;
        const bi = zr - mr;
        power[k] += 0.25 * (ar * ar + ai * ai + br * br + bi * bi);
      }
    }
  }
  return welchCompletion(x, fs, nperseg, noverlap, power, s);
}

/**
 * The rest of `welch` once `power` holds the |X_k|² sums of the first `done` segments: the
 * remaining segments one at a time, then the density scaling. `welchPair` computes the pairs of two
 * signals elsewhere and finishes each here, so both paths share every operation after the pairs.
 */
export function welchCompletion(x: Float64Array, fs: number, nperseg: number, noverlap: number, power: Float64Array, done: number): Psd {
  const { window, windowEnergy, fft, segment, spectrum } = welchPlan(nperseg);
  const scale = 1.0 / (fs * windowEnergy);
  const bins = power.length;
  const step = nperseg - noverlap;
  const segments = Math.floor((x.length - noverlap) / step);
  for (let s = done; s < segments; s++) {
    const start = s * step;
    const mean = segmentMean(x, start, nperseg);
    for (let i = 0; i < nperseg; i++) segment[i] = window[i] * (x[start + i] - mean);
    if (fft) {
      fft.realTransform(spectrum, segment);
      for (let k = 0; k < bins; k++) {
        const re = spectrum[2 * k];
        const im = spectrum[2 * k + 1];
        power[k] += re * re + im * im;
      }
    } else {
      addDftPower(segment, power);
    }
  }
  // One-sided density: every bin but DC (and Nyquist for an even length) carries both halves.
  const lastDoubled = nperseg % 2 === 0 ? bins - 1 : bins;
  for (let k = 0; k < bins; k++) {
    power[k] = ((power[k] * scale) / segments) * (k >= 1 && k < lastDoubled ? 2 : 1);
  }
  const binWidth = 1.0 / (nperseg * (1.0 / fs));
  const frequencies = new Float64Array(bins);
  for (let k = 0; k < bins; k++) frequencies[k] = k * binWidth;
  return { frequencies, power };
}
