/**
 * Whole-recording amplitude and spectral descriptors of a band-passed channel (docs/pipeline.md §5).
 */
import { type Psd, welch } from "./spectrum";

/** Root mean square: sqrt(mean(y²)). */
export function rms(y: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < y.length; i++) sum += y[i] * y[i];
  return Math.sqrt(sum / y.length);
}

/** Mean absolute value: mean(|y|). */
export function mav(y: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < y.length; i++) sum += Math.abs(y[i]);
  return sum / y.length;
}

/** Mean power frequency Σ f·P / Σ P over every bin (Hz); null when the spectrum carries no power. */
export function meanPowerFrequency({ frequencies, power }: Psd): number | null {
  let weighted = 0;
  let total = 0;
  for (let k = 0; k < power.length; k++) {
    weighted += frequencies[k] * power[k];
    total += power[k];
  }
  return total > 0 ? weighted / total : null;
}

/**
 * Median frequency: the first bin frequency at which the cumulative power reaches half the total
 * (Hz); null when the spectrum carries no power.
 */
export function medianFrequency({ frequencies, power }: Psd): number | null {
  let total = 0;
  for (let k = 0; k < power.length; k++) total += power[k];
  if (!(total > 0)) return null;
  const half = total / 2;
  let cumulative = 0;
  for (let k = 0; k < power.length; k++) {
    cumulative += power[k];
    if (cumulative >= half) return frequencies[k];
  }
  return frequencies[frequencies.length - 1];
}

/**
 * Dimitrov's spectral fatigue index FI_nsm5 = Σ f⁻¹·P / Σ f⁵·P over bins with f > 0
 * (Dimitrov et al. 2006); null when the denominator is 0.
 */
export function fatigueIndexFiNsm5({ frequencies, power }: Psd): number | null {
  let numerator = 0;
  let denominator = 0;
  for (let k = 0; k < power.length; k++) {
    const f = frequencies[k];
    if (f > 0) {
      numerator += power[k] / f;
      denominator += f ** 5 * power[k];
    }
  }
  return denominator > 0 ? numerator / denominator : null;
}

export interface ChannelAnalytics {
  rms: number;
  mav: number;
  mpf: number | null;
  mdf: number | null;
  fatigue_index_fi_nsm5: number | null;
}

/** Σy² and Σ|y|, summed left to right from 0. */
export interface SignalSums {
  sumOfSquares: number;
  sumOfAbs: number;
}

export function signalSums(y: Float64Array): SignalSums {
  let sumOfSquares = 0;
  let sumOfAbs = 0;
  for (let i = 0; i < y.length; i++) {
    const v = y[i];
    sumOfSquares += v * v;
    sumOfAbs += Math.abs(v);
  }
  return { sumOfSquares, sumOfAbs };
}

/**
 * rms, mav and the Welch-based mpf, mdf and FI_nsm5 (nperseg = min(256, n), 50 % overlap).
 *
 * @param psd `welch(y, fs)` and @param sums `signalSums(y)` when the caller already has them
 *   (processMuscles computes both muscles' together)
 */
export function channelAnalytics(y: Float64Array, fs: number, psd: Psd = welch(y, fs), sums: SignalSums = signalSums(y)): ChannelAnalytics {
  return {
    // Same sums as rms() and mav(), in one pass over the signal.
    rms: Math.sqrt(sums.sumOfSquares / y.length),
    mav: sums.sumOfAbs / y.length,
    mpf: meanPowerFrequency(psd),
    mdf: medianFrequency(psd),
    fatigue_index_fi_nsm5: fatigueIndexFiNsm5(psd),
  };
}
