/**
 * `line_noise` (docs/quality.md): mains interference, read from the Welch PSD of the band-passed
 * signal that the pipeline already computes for MPF/MDF (spectrum.ts) — no second transform. Each
 * harmonic h·f0 inside the band owns the bins of its Hann main lobe; when one of them stands
 * LINE_PEAK_RATIO times above the local baseline (median of the neighbouring bins no harmonic owns),
 * the power there above the baseline is mains power. The ratio keeps the broad EMG spectrum out:
 * around 50 Hz, where EMG peaks, clean GHOSTLY bins sit up to 1.7 times above their shoulders.
 */
import type { Psd } from "../spectrum";
import { type QualityFinding, finding, formatPercent } from "./findings";
import {
  LINE_HALF_WIDTH_BINS,
  LINE_MIN_HALF_WIDTH_HZ,
  LINE_NOISE_FRACTION,
  LINE_PEAK_RATIO,
  LINE_SHOULDER_BINS,
  MAINS_FREQUENCIES_HZ,
} from "./limits";

export interface LineNoiseShare {
  mainsHz: number;
  /** Power above baseline at the harmonics of mainsHz over the power in the band (0 … 1). */
  fraction: number;
  /** Harmonics inside the band. */
  harmonics: number;
}

/** Mains share for one fundamental `f0` over the bins in [low, high] Hz; null when the band holds no power. */
export function mainsShare({ frequencies, power }: Psd, f0: number, low: number, high: number): LineNoiseShare | null {
  const df = frequencies.length > 1 ? frequencies[1] - frequencies[0] : 0;
  if (!(df > 0)) return null;
  let total = 0;
  for (let k = 0; k < frequencies.length; k++) if (frequencies[k] >= low && frequencies[k] <= high) total += power[k];
  if (!(total > 0)) return null;
  const halfWidth = Math.max(LINE_HALF_WIDTH_BINS * df, LINE_MIN_HALF_WIDTH_HZ);
  // Whether the nearest harmonic of f0 owns bin frequency f.
  const owned = (f: number) => Math.abs(f - Math.max(1, Math.round(f / f0)) * f0) < halfWidth;
  let excess = 0;
  let harmonics = 0;
  const shoulder: number[] = [];
  // Only harmonics whose whole main lobe lies inside the band: at the edges the shoulders reach the
  // filter's stop band and any bin stands above them.
  for (let h = 1; h * f0 + halfWidth <= high; h++) {
    const centre = h * f0;
    if (centre - halfWidth < low) continue;
    harmonics++;
    const first = Math.max(0, Math.ceil((centre - LINE_SHOULDER_BINS * df) / df));
    const last = Math.min(frequencies.length - 1, Math.floor((centre + LINE_SHOULDER_BINS * df) / df));
    shoulder.length = 0;
    for (let k = first; k <= last; k++) if (!owned(frequencies[k])) shoulder.push(power[k]);
    shoulder.sort((a, b) => a - b);
    const baseline = shoulder.length > 0 ? shoulder[Math.floor((shoulder.length - 1) / 2)] : 0;
    // Per harmonic, not per bin: bins scattering above and below the baseline cancel.
    let above = 0;
    let strongest = 0;
    for (let k = first; k <= last; k++) {
      if (Math.abs(frequencies[k] - centre) >= halfWidth) continue;
      above += power[k] - baseline;
      strongest = Math.max(strongest, power[k]);
    }
    if (above > 0 && strongest >= LINE_PEAK_RATIO * baseline) excess += above;
  }
  return { mainsHz: f0, fraction: excess / total, harmonics };
}

/** The larger of the 50 Hz and 60 Hz shares; null when the band holds no power. */
export function lineNoiseShare(psd: Psd, band: { low: number; high: number }): LineNoiseShare | null {
  let best: LineNoiseShare | null = null;
  for (const f0 of MAINS_FREQUENCIES_HZ) {
    const share = mainsShare(psd, f0, band.low, band.high);
    if (share && (!best || share.fraction > best.fraction)) best = share;
  }
  return best;
}

/**
 * `line_noise` warning when the mains share reaches LINE_NOISE_FRACTION.
 *
 * @param psd the Welch PSD of the band-passed channel
 * @param band the band-pass edges (filter_low_cutoff_hz, effective filter_high_cutoff_hz)
 */
export function checkLineNoise(channel: string, psd: Psd, band: { low: number; high: number }): QualityFinding | null {
  const share = lineNoiseShare(psd, band);
  if (!share || share.fraction < LINE_NOISE_FRACTION) return null;
  return finding(
    "line_noise",
    "warning",
    channel,
    `${channel}: mains interference (${share.mainsHz} Hz and its harmonics) carries ${formatPercent(share.fraction)} of the ` +
      "filtered signal's power. Amplitudes and frequencies include it: check the electrode contact and skin preparation, " +
      "and keep cables away from mains leads.",
    share.fraction,
    LINE_NOISE_FRACTION,
  );
}
