/**
 * `clipping` (docs/quality.md): the raw signal piles up at its maximum or minimum — amplifier or ADC
 * saturation, or lost samples filled with the rail value (the GHOSTLY device writes runs of −5.5 mV,
 * 270 samples long). A real signal touches its extremes in one or two samples; a saturated one sits
 * there. The front end may saturate a few ADC codes below full scale and jitter by a code or two, so
 * "at the extreme" is a narrow zone rather than one exact value.
 */
import { msToSamples } from "../envelope";
import { type OutlierSpan, type QualityFinding, finding, formatPercent, formatSeconds, formatVolts } from "./findings";
import { CLIP_MIN_FRACTION, CLIP_MIN_RUN_MS, CLIP_ZONE_FRACTION } from "./limits";

export interface ClippedSide {
  side: "top" | "bottom";
  /** The channel's maximum (top) or minimum (bottom), volts. */
  extreme: number;
  /** Samples inside the zone. */
  samples: number;
  /** Runs of zone samples, inclusive; the longest is at least CLIP_MIN_RUN_MS. */
  runs: { start: number; end: number }[];
}

export interface ClippingScan {
  /** The sides that clip (empty for a clean or constant channel). */
  sides: ClippedSide[];
  /** Zone samples of the clipping sides over all samples (0 … 1). */
  fraction: number;
}

/**
 * Zone = within CLIP_ZONE_FRACTION·(max − min) of the maximum (top) or the minimum (bottom). A side
 * clips when some run of consecutive zone samples lasts CLIP_MIN_RUN_MS and its zone samples are at
 * least CLIP_MIN_FRACTION of the channel. A constant channel does not clip (it is `flat_channel`).
 */
export function scanClipping(raw: Float64Array, fs: number): ClippingScan {
  const n = raw.length;
  let max = -Infinity;
  let min = Infinity;
  for (let i = 0; i < n; i++) {
    const v = raw[i];
    if (v > max) max = v;
    if (v < min) min = v;
  }
  const range = max - min;
  if (!(range > 0)) return { sides: [], fraction: 0 };
  const zone = CLIP_ZONE_FRACTION * range;
  const minRun = Math.max(2, msToSamples(CLIP_MIN_RUN_MS, fs));
  const sides: ClippedSide[] = [];
  const top = zoneRuns(raw, max - zone, Infinity);
  const bottom = zoneRuns(raw, -Infinity, min + zone);
  for (const [side, extreme, scan] of [
    ["top", max, top],
    ["bottom", min, bottom],
  ] as const) {
    if (scan.longest >= minRun && scan.samples >= CLIP_MIN_FRACTION * n)
      sides.push({ side, extreme, samples: scan.samples, runs: scan.runs });
  }
  return { sides, fraction: sides.reduce((sum, s) => sum + s.samples, 0) / n };
}

/** Runs of consecutive samples inside [lo, hi], their sample count and the longest run's length. */
function zoneRuns(raw: Float64Array, lo: number, hi: number): { runs: { start: number; end: number }[]; samples: number; longest: number } {
  const runs: { start: number; end: number }[] = [];
  let samples = 0;
  let longest = 0;
  const n = raw.length;
  let i = 0;
  while (i < n) {
    const v = raw[i];
    if (v < lo || v > hi) {
      i++;
      continue;
    }
    const start = i;
    while (i < n && raw[i] >= lo && raw[i] <= hi) i++;
    runs.push({ start, end: i - 1 });
    samples += i - start;
    if (i - start > longest) longest = i - start;
  }
  return { runs, samples, longest };
}

/** The clipped runs as spans the artifact and MVC checks leave out. */
export const clippedSpans = (scan: ClippingScan): OutlierSpan[] =>
  scan.sides.flatMap((s) => s.runs.map((r) => ({ start: r.start, end: r.end, kind: "clipping" as const })));

/** `clipping` warning for a scan with a clipping side; value and limit are fractions of the samples. */
export function clippingFinding(channel: string, scan: ClippingScan, fs: number): QualityFinding | null {
  if (scan.sides.length === 0) return null;
  const samples = scan.sides.reduce((sum, s) => sum + s.samples, 0);
  const stretches = scan.sides.reduce((sum, s) => sum + s.runs.length, 0);
  const where =
    scan.sides.length === 2
      ? `its highest and lowest values (${formatVolts(scan.sides[0].extreme)} and ${formatVolts(scan.sides[1].extreme)})`
      : `its ${scan.sides[0].side === "top" ? "highest" : "lowest"} value (${formatVolts(scan.sides[0].extreme)})`;
  return finding(
    "clipping",
    "warning",
    channel,
    `${channel}: the signal sits at ${where} for ${formatSeconds(samples / fs)} in ${stretches} ` +
      `stretch${stretches === 1 ? "" : "es"} (${formatPercent(scan.fraction)} of the recording): the amplifier ` +
      "saturated or samples were lost. Amplitudes there are not real; check the electrode and the gain.",
    scan.fraction,
    CLIP_MIN_FRACTION,
  );
}

/** `scanClipping` and its finding in one call. */
export function checkClipping(channel: string, raw: Float64Array, fs: number): { finding: QualityFinding | null; spans: OutlierSpan[] } {
  const scan = scanClipping(raw, fs);
  return { finding: clippingFinding(channel, scan, fs), spans: clippedSpans(scan) };
}
