/**
 * Every per-channel check on one muscle, from what the pipeline already holds for it (muscle.ts:
 * raw, band-passed, envelope, PSD, contractions, MVC) — nothing is recomputed.
 */
import type { MvcSource } from "../mvc";
import type { Psd } from "../spectrum";
import { type EnvelopeInput, checkArtifacts } from "./artifact";
import { checkClipping } from "./clipping";
import type { QualityFinding } from "./findings";
import { checkFlatChannel } from "./flat";
import { checkLineNoise } from "./line-noise";
import { checkMvcFromOutlier } from "./mvc-outlier";
import { checkDurationTarget, checkFewContractions } from "./targets";

export interface ChannelQualityInput {
  /** Channel key (`CH1`). */
  channel: string;
  /** Sampling rate (Hz). */
  fs: number;
  /** Raw samples (V). */
  raw: Float64Array;
  /** Band-passed samples (V). */
  bandpassed: Float64Array;
  /** RMS of the band-passed signal (V): the channel's `rms`. */
  bandpassedRms: number | null;
  /** Welch PSD of the band-passed signal (the one MPF/MDF come from). */
  psd: Psd;
  /** Band-pass edges (Hz): filter_low_cutoff_hz and the effective filter_high_cutoff_hz. */
  band: { low: number; high: number };
  envelope: EnvelopeInput;
  contractions: readonly { duration_ms: number; meets_duration: boolean }[];
  mvc: { value: number; source: MvcSource };
  expectedContractions: number | null;
  targetDurationMs: number;
}

/**
 * Findings of one muscle, in a fixed order: flat_channel, clipping, line_noise, artifact,
 * mvc_from_outlier, few_contractions, duration_target_unreachable. A channel without signal
 * (critical flat_channel) gets no other finding: none of them would mean anything.
 */
export function channelQuality(input: ChannelQualityInput): QualityFinding[] {
  const { channel, fs } = input;
  const flat = checkFlatChannel(channel, input.raw, fs, input.bandpassedRms);
  if (flat?.severity === "critical") return [flat];
  const clipping = checkClipping(channel, input.raw, fs);
  const artifacts = checkArtifacts(channel, input.bandpassed, input.envelope, fs, clipping.spans);
  const findings = [
    flat,
    clipping.finding,
    checkLineNoise(channel, input.psd, input.band),
    artifacts.finding,
    checkMvcFromOutlier(channel, input.envelope, input.mvc, [...clipping.spans, ...artifacts.spans], fs),
    checkFewContractions(channel, input.contractions.length, input.expectedContractions),
    checkDurationTarget(channel, input.contractions, input.targetDurationMs),
  ];
  return findings.filter((f): f is QualityFinding => f != null);
}
