/**
 * The GHOSTLY fixtures through the real pipeline into the quality checks, and the defects the quality
 * tests and bench/quality.ts inject into copies of them (docs/quality.md, "Evidence").
 */
import { readFileSync } from "node:fs";
import { findMuscleChannels } from "~/lib/analysis/channels";
import { type C3dFile, readC3d } from "~/lib/c3d";
import { DEFAULT_SCORING_CONFIGURATION } from "~/lib/scoring/configuration";
import { type MuscleResult, designBandpass, processMuscles } from "~/lib/emg/muscle";
import { resolveProcessingParameters } from "~/lib/emg/parameters";
import { welch } from "~/lib/emg/spectrum";
import { parameterDataOffset } from "../unit/c3d/builder";
import { type ChannelQualityInput, channelQuality } from "~/lib/emg/quality";

export const GHOSTLY_FIXTURES = [
  "Ghostly_Emg_20230321_17-23-09-0409.c3d",
  "Ghostly_Emg_20230321_17-28-14-0160.c3d",
  "Ghostly_Emg_20230321_17-50-17-0881.c3d",
  "Ghostly_Emg_20231004_13-18-43-0464.c3d",
  "Ghostly_Emg_20250310_11-46-23-0823.c3d",
] as const;

export const fixtureBytes = (name: string): Uint8Array => new Uint8Array(readFileSync(`tests/fixtures/c3d/${name}`));

export interface AnalysedChannel {
  channel: string;
  raw: Float64Array;
  result: MuscleResult;
  input: ChannelQualityInput;
}

/**
 * Both muscles of a file through processMuscles as analyzeC3d runs it (default parameters and
 * scoring configuration), optionally with replaced raw samples per muscle (index in CH1, CH2 order).
 */
export function analyseMuscles(file: C3dFile, replace: (Float64Array | undefined)[] = []): AnalysedChannel[] {
  const fs = file.analog.rate;
  if (fs == null) throw new Error("the file has no analog data");
  const params = resolveProcessingParameters({}, fs);
  const roles = findMuscleChannels(file.analog);
  const raws = roles.map((role, i) => replace[i] ?? file.analog.channels[role.rawIndex]);
  const config = DEFAULT_SCORING_CONFIGURATION;
  const results = processMuscles(
    roles.map((role, i) => ({
      id: role.id,
      label: role.rawLabel,
      side: role.side,
      raw: raws[i],
      activated: role.activatedIndex != null ? file.analog.channels[role.activatedIndex] : null,
      targetDurationMs: config.target_duration_ms,
    })),
    params,
    designBandpass(params),
  );
  return roles.map((role, i) => {
    const result = results[i];
    const bandpassed = result.bandpassed!;
    return {
      channel: role.id,
      raw: raws[i],
      result,
      input: {
        channel: role.id,
        fs,
        raw: raws[i],
        bandpassed,
        bandpassedRms: result.channel.rms,
        // The PSD muscle.ts computes for MPF/MDF: welch(bandpassed, fs) with its defaults.
        psd: welch(bandpassed, fs),
        band: { low: params.filter_low_cutoff_hz, high: params.filter_high_cutoff_hz },
        envelope: result.envelope!,
        contractions: result.contractions,
        mvc: result.mvc!,
        expectedContractions: config.expected_contractions,
        targetDurationMs: config.target_duration_ms,
      },
    };
  });
}

/** Channel findings per muscle, keyed by channel. */
export function channelFindings(file: C3dFile, replace: (Float64Array | undefined)[] = []) {
  return Object.fromEntries(analyseMuscles(file, replace).map((c) => [c.channel, channelQuality(c.input)]));
}

export const codesOf = (findings: readonly { code: string }[]): string[] => [...new Set(findings.map((f) => f.code))].sort();

// ---- defects ----

/** GHOSTLY rail value (V): the device's −5.5 mV full scale, as in 0881 CH1. */
export const RAIL_V = -5.5e-3;
/** Length of the device's rail runs: 9 frames of 30 samples. */
export const RAIL_RUN = 270;

/** The device's lost-packet runs: RAIL_RUN samples at RAIL_V starting at each fraction of the recording. */
export function railRuns(raw: Float64Array, at: readonly number[] = [0.2, 0.5, 0.8]): Float64Array {
  const x = raw.slice();
  for (const f of at) x.fill(RAIL_V, Math.floor(f * x.length), Math.floor(f * x.length) + RAIL_RUN);
  return x;
}

/** Hard saturation: clamped to the quantiles that leave `fraction` of the samples clipped, half on each side. */
export function clamp(raw: Float64Array, fraction: number): Float64Array {
  const sorted = raw.slice().sort();
  const lo = sorted[Math.floor((fraction / 2) * (sorted.length - 1))];
  const hi = sorted[Math.ceil((1 - fraction / 2) * (sorted.length - 1))];
  return raw.map((v) => Math.min(hi, Math.max(lo, v)));
}

export const zeroed = (raw: Float64Array): Float64Array => new Float64Array(raw.length);

/** Adds a 50 Hz sinusoid whose RMS is `factor` × `signalRms`. */
export function hum(raw: Float64Array, fs: number, factor: number, signalRms: number, mainsHz = 50): Float64Array {
  const amplitude = factor * signalRms * Math.SQRT2;
  return raw.map((v, i) => v + amplitude * Math.sin((2 * Math.PI * mainsHz * i) / fs + 0.3));
}

/** Adds a 6 ms half-sine spike of peak `amplitude` (V) starting at sample `at`. */
export function spike(raw: Float64Array, fs: number, at: number, amplitude: number, ms = 6): Float64Array {
  const x = raw.slice();
  const m = Math.round((ms * fs) / 1000);
  for (let i = 0; i < m; i++) x[at + i] += amplitude * Math.sin((Math.PI * (i + 0.5)) / m);
  return x;
}

/** Centre sample of the quietest second of the envelope (lowest maximum over 21 windows). */
export function quietestSample(result: MuscleResult): number {
  const { values, hop, window } = result.envelope!;
  let best = 10;
  let bestMax = Infinity;
  for (let k = 10; k + 10 < values.length; k++) {
    let m = 0;
    for (let j = k - 10; j <= k + 10; j++) m = Math.max(m, values[j]);
    if (m < bestMax) {
      bestMax = m;
      best = k;
    }
  }
  return best * hop + Math.floor(window / 2);
}

/**
 * An unfinalized copy, as a game that crashed before writing its counts leaves it: header frame range
 * 0..0 and POINT:FRAMES 0 (Intel byte order, as GHOSTLY writes).
 */
export function unfinalized(bytes: Uint8Array): Uint8Array {
  const x = bytes.slice();
  x.fill(0, 6, 10); // header words 4–5: first and last frame
  const at = parameterDataOffset(x, "POINT", "FRAMES");
  x.fill(0, at, at + 2);
  return x;
}

/** The first `fraction` of the file's bytes: an upload or a recording cut short. */
export const cut = (bytes: Uint8Array, fraction: number): Uint8Array => bytes.slice(0, Math.floor(fraction * bytes.length));

export const readFixture = (name: string): C3dFile => readC3d(fixtureBytes(name));
