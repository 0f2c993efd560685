/**
 * Whole-recording amplitude and spectral descriptors of a band-passed channel (emg-pipeline.md §5).
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

/**
 * rms, mav and the Welch-based mpf, mdf and FI_nsm5 (nperseg = min(256, n), 50 % overlap).
 *
 * @param psd `welch(y, fs)` when the caller already has it (welchPair computes both muscles')
 */
export function channelAnalytics(y: Float64Array, fs: number, psd: Psd = welch(y, fs)): ChannelAnalytics {
  let sumSq = 0;
  let sumAbs = 0;
  for (let i = 0; i < y.length; i++) {
    const v = y[i];
    sumSq += v * v;
    sumAbs += Math.abs(v);
  }
  return {
    // Same sums as rms() and mav(), in one pass over the signal.
    rms: Math.sqrt(sumSq / y.length),
    mav: sumAbs / y.length,
    mpf: meanPowerFrequency(psd),
    mdf: medianFrequency(psd),
    fatigue_index_fi_nsm5: fatigueIndexFiNsm5(psd),
  };
}
