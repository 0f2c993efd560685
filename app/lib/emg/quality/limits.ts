/**
 * Every limit of the signal-quality checks in one place. docs/quality.md gives, for each, what it
 * measures and the numbers on the GHOSTLY recordings and injected defects that chose it
 * (`npx tsx bench/quality.ts` reprints them).
 */

// clipping — the raw signal piles up at its extremes.
/** Width of the zone at the channel's maximum and minimum, as a fraction of max − min. */
export const CLIP_ZONE_FRACTION = 0.005;
/** A plateau: at least this long (ms) inside the zone without leaving it. */
export const CLIP_MIN_RUN_MS = 3;
/** `clipping` (warning) when the zone samples of a side with a plateau are at least this fraction of the channel. */
export const CLIP_MIN_FRACTION = 0.0002;

// flat_channel — no usable signal.
/** A stretch of identical consecutive raw samples at least this long (ms) carries no signal. */
export const FLAT_RUN_MS = 250;
/** `flat_channel` warning: this fraction of the recording is such stretches. */
export const FLAT_WARNING_FRACTION = 0.05;
/** `flat_channel` critical: this fraction of the recording is such stretches. */
export const FLAT_CRITICAL_FRACTION = 0.5;
/** `flat_channel` critical: the band-passed signal's RMS over the whole recording is below this (V). */
export const FLAT_RMS_V = 1e-6;

// line_noise — mains interference.
export const MAINS_FREQUENCIES_HZ = [50, 60] as const;
/** A harmonic h·f0 owns the PSD bins closer than this many bin widths (the Hann main lobe) … */
export const LINE_HALF_WIDTH_BINS = 2;
/** … and at least this many Hz (mains drifts by ±0.1 Hz, ±0.9 Hz at the 9th harmonic). */
export const LINE_MIN_HALF_WIDTH_HZ = 1;
/** Its baseline: the median PSD of the bins up to this many bin widths away that no harmonic owns. */
export const LINE_SHOULDER_BINS = 6;
/** A harmonic counts only when its strongest owned bin is at least this many times its baseline (a line, not a slope). */
export const LINE_PEAK_RATIO = 3;
/** `line_noise` (warning) when the power above baseline at one mains family's harmonics is this fraction of the band. */
export const LINE_NOISE_FRACTION = 0.15;

// artifact — brief transients far above the envelope.
/** A transient's strength: the RMS of the band-passed signal over this many ms ending at the sample. */
export const ARTIFACT_RMS_MS = 3;
/** Strength is measured against the sustained peak: max over k of min(env[k−1], env[k], env[k+1]). */
export const ARTIFACT_MIN_STRENGTH = 3;
/** Inside activity a transient must reach this many sustained peaks … */
export const ARTIFACT_MAX_STRENGTH = 8;
/** … in quiet surroundings ARTIFACT_MIN_STRENGTH, and in between this many times the surrounding envelope. */
export const ARTIFACT_ISOLATION = 50;
/** The surroundings: envelope windows centred this far (ms) … */
export const ARTIFACT_CONTEXT_GAP_MS = 150;
/** … up to this far (ms) on either side. */
export const ARTIFACT_CONTEXT_MS = 500;
/** Transient samples closer than this (ms) are one event. */
export const ARTIFACT_MERGE_MS = 50;

// few_contractions
/** `few_contractions` when fewer than this fraction of the expected contractions were detected. */
export const FEW_CONTRACTIONS_FRACTION = 0.5;
