/**
 * `flat_channel` (docs/quality.md): no usable signal — a dead channel, a cable unplugged, samples
 * written as a constant. Real EMG never repeats one value for long (the GHOSTLY recordings repeat a
 * value at most 4 samples in a row); stretches of identical samples lasting FLAT_RUN_MS carry no
 * signal. Stretches at the channel's extreme value are clipping (clipping.ts), not counted here.
 */
import { msToSamples } from "../envelope";
import { type QualityFinding, finding, formatPercent, formatVolts } from "./findings";
import { FLAT_CRITICAL_FRACTION, FLAT_RMS_V, FLAT_RUN_MS, FLAT_WARNING_FRACTION } from "./limits";

/**
 * Fraction (0 … 1) of the samples that lie in runs of at least FLAT_RUN_MS identical consecutive
 * values, runs at the channel's maximum or minimum left out unless the whole channel is one value.
 */
export function flatFraction(raw: Float64Array, fs: number): number {
  const n = raw.length;
  if (n === 0) return 0;
  let max = -Infinity;
  let min = Infinity;
  for (let i = 0; i < n; i++) {
    const v = raw[i];
    if (v > max) max = v;
    if (v < min) min = v;
  }
  const constant = max === min;
  const minRun = Math.max(2, msToSamples(FLAT_RUN_MS, fs));
  let flat = 0;
  let i = 0;
  while (i < n) {
    const v = raw[i];
    let j = i + 1;
    while (j < n && raw[j] === v) j++;
    if (j - i >= minRun && (constant || (v !== max && v !== min))) flat += j - i;
    i = j;
  }
  return flat / n;
}

/**
 * `flat_channel`: critical when flat stretches cover FLAT_CRITICAL_FRACTION of the recording or the
 * band-passed RMS is below FLAT_RMS_V; a warning when they cover FLAT_WARNING_FRACTION.
 *
 * @param bandpassedRms the channel's `rms` (V) from the pipeline
 */
export function checkFlatChannel(channel: string, raw: Float64Array, fs: number, bandpassedRms: number | null): QualityFinding | null {
  const fraction = flatFraction(raw, fs);
  if (fraction >= FLAT_CRITICAL_FRACTION) {
    const whole = fraction === 1;
    return finding(
      "flat_channel",
      "critical",
      channel,
      `${channel}: no signal — the raw samples do not change for ${whole ? "the whole recording" : formatPercent(fraction) + " of the recording"}` +
        `${whole ? ` (constant ${formatVolts(raw[0])})` : ""}: a dead channel, an unplugged cable or an electrode off. Its numbers mean nothing.`,
      fraction,
      FLAT_CRITICAL_FRACTION,
    );
  }
  if (bandpassedRms != null && bandpassedRms < FLAT_RMS_V) {
    return finding(
      "flat_channel",
      "critical",
      channel,
      `${channel}: no usable signal — the filtered signal's RMS is ${formatVolts(bandpassedRms)}, below ${formatVolts(FLAT_RMS_V)} ` +
        "(electrode noise alone is larger): a dead channel or an electrode off. Its numbers mean nothing.",
      bandpassedRms,
      FLAT_RMS_V,
    );
  }
  if (fraction >= FLAT_WARNING_FRACTION) {
    return finding(
      "flat_channel",
      "warning",
      channel,
      `${channel}: the signal is lost for ${formatPercent(fraction)} of the recording (stretches where the raw samples ` +
        "do not change): the electrode or the cable lost contact for a while. Contractions there were missed.",
      fraction,
      FLAT_WARNING_FRACTION,
    );
  }
  return null;
}
