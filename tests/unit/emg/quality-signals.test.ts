/**
 * The per-channel signal-quality checks (docs/quality.md) on synthetic recordings whose defects are
 * placed by construction: clipping, flat_channel, line_noise, artifact, mvc_from_outlier.
 */
import { describe, expect, it } from "vitest";
import { designBandpass, processMuscle, resolveProcessingParameters, welch } from "~/lib/emg";
import {
  ARTIFACT_MAX_STRENGTH,
  ARTIFACT_MIN_STRENGTH,
  CLIP_MIN_FRACTION,
  type ChannelQualityInput,
  FLAT_CRITICAL_FRACTION,
  FLAT_RMS_V,
  FLAT_WARNING_FRACTION,
  LINE_NOISE_FRACTION,
  channelQuality,
  checkArtifacts,
  checkClipping,
  checkFlatChannel,
  checkLineNoise,
  checkMvcFromOutlier,
  findTransients,
  lineNoiseShare,
  robustMvc,
  scanClipping,
} from "~/lib/emg/quality";
import { mulberry32 } from "./synthetic";

const fs = 1000;
const n = 30 * fs;
const params = resolveProcessingParameters({}, fs);
const sos = designBandpass(params);
/** Bursts of 1 s every 3 s from 2 s on: [2, 3), [5, 6) … [26, 27) s. */
const BURSTS = Array.from({ length: 9 }, (_, i) => (2 + 3 * i) * fs);

/** Gaussian noise, 5 µV at rest and `burstRms` in the bursts: EMG-like, with no line and no spike. */
function emg(burstRms = 300e-6, seed = 7): Float64Array {
  const random = mulberry32(seed);
  const x = new Float64Array(n);
  for (let i = 0; i < n; i += 2) {
    // Box–Muller: two independent standard normals per pair of uniforms.
    const r = Math.sqrt(-2 * Math.log(1 - random()));
    const t = 2 * Math.PI * random();
    x[i] = r * Math.cos(t);
    if (i + 1 < n) x[i + 1] = r * Math.sin(t);
  }
  for (let i = 0; i < n; i++) {
    const inBurst = BURSTS.some((s) => i >= s && i < s + fs);
    x[i] *= inBurst ? burstRms : 5e-6;
  }
  return x;
}

function analyse(raw: Float64Array, mvcSource: "peak_in_task" | "upload" = "peak_in_task"): ChannelQualityInput {
  const result = processMuscle({ id: "CH1", label: "CH1 Raw", side: "left", raw, activated: null, targetDurationMs: 500 }, params, sos);
  const bandpassed = result.bandpassed!;
  return {
    channel: "CH1",
    fs,
    raw,
    bandpassed,
    bandpassedRms: result.channel.rms,
    psd: welch(bandpassed, fs),
    band: { low: params.filter_low_cutoff_hz, high: params.filter_high_cutoff_hz },
    envelope: result.envelope!,
    contractions: result.contractions,
    mvc: mvcSource === "upload" ? { value: 1e-3, source: "upload" } : result.mvc!,
    expectedContractions: 9,
    targetDurationMs: 500,
  };
}

function addSpike(raw: Float64Array, at: number, amplitude: number, length = 6): Float64Array {
  const x = raw.slice();
  for (let i = 0; i < length; i++) x[at + i] += amplitude * Math.sin((Math.PI * (i + 0.5)) / length);
  return x;
}

const clean = emg();
const cleanInput = analyse(clean);

describe("a clean synthetic recording", () => {
  it("has no signal finding, and its contractions meet the count and the duration", () => {
    expect(channelQuality(cleanInput)).toEqual([]);
    expect(cleanInput.contractions).toHaveLength(9);
  });
});

describe("clipping", () => {
  const RAIL = -5.5e-3;
  const withRail = (runs: number[], length: number) => {
    const x = clean.slice();
    for (const start of runs) x.fill(RAIL, start, start + length);
    return x;
  };

  it("finds device rail runs at the minimum: every sample of the runs, and only them", () => {
    const x = withRail([1500, 10_500, 20_500], 270);
    const scan = scanClipping(x, fs);
    expect(scan.sides.map((s) => s.side)).toEqual(["bottom"]);
    expect(scan.sides[0].extreme).toBe(RAIL);
    // The bursts never come within 0.5 % of the range (≈ 34 µV) of −5.5 mV: the zone holds the runs alone.
    expect(scan.sides[0].runs).toEqual([
      { start: 1500, end: 1769 },
      { start: 10_500, end: 10_769 },
      { start: 20_500, end: 20_769 },
    ]);
    const { finding } = checkClipping("CH1", x, fs);
    expect(finding).toMatchObject({ code: "clipping", severity: "warning", channel: "CH1", value: 810 / n, limit: CLIP_MIN_FRACTION });
    expect(finding!.message).toContain("−5.50 mV");
    expect(finding!.message).toContain("0.81 s in 3 stretches");
  });

  it("finds saturation that jitters by a code below the maximum, on both sides", () => {
    const level = 2e-3;
    const code = 1.68e-7;
    // In every burst 20 samples held at +level and 20 at −level, alternating between two codes as 0464 does.
    const x = clean.slice();
    for (const s of BURSTS) {
      for (let i = 0; i < 20; i++) {
        x[s + 100 + i] = level - (i % 2) * code;
        x[s + 200 + i] = -level + (i % 2) * code;
      }
    }
    const scan = scanClipping(x, fs);
    expect(scan.sides.map((s) => [s.side, s.samples])).toEqual([
      ["top", 180],
      ["bottom", 180],
    ]);
    expect(checkClipping("CH1", x, fs).finding?.message).toContain("highest and lowest values (2.00 mV and −2.00 mV)");
  });

  it("needs a plateau: isolated samples at the extreme, or a run shorter than 3 ms, are not clipping", () => {
    const isolated = clean.slice();
    for (let i = 0; i < 40; i++) isolated[1000 + 300 * i] = RAIL; // 40 single samples at the rail
    expect(scanClipping(isolated, fs).sides).toEqual([]);
    const twoSampleRuns = withRail([1000, 4000, 7000, 11_000, 14_000, 17_000, 20_000, 23_000], 2);
    expect(scanClipping(twoSampleRuns, fs).sides).toEqual([]);
  });

  it("needs enough samples: one 3 ms plateau in 30 s is below the 0.02 % limit, a 10 ms one is not", () => {
    expect(scanClipping(withRail([1000], 3), fs).sides).toEqual([]);
    expect(scanClipping(withRail([1000], 10), fs).sides).toHaveLength(1);
  });

  it("does not apply to a constant channel (that is flat_channel)", () => {
    expect(scanClipping(new Float64Array(n), fs).sides).toEqual([]);
  });
});

describe("flat_channel", () => {
  it("is critical for a zeroed channel, with nothing else reported on it", () => {
    const zero = new Float64Array(n);
    expect(checkFlatChannel("CH2", zero, fs, 0)).toMatchObject({ code: "flat_channel", severity: "critical", channel: "CH2", value: 1 });
    expect(channelQuality(analyse(zero)).map((f) => f.code)).toEqual(["flat_channel"]);
  });

  it("grades the share of the recording without signal: critical from 50 %, warning from 5 %", () => {
    const lost = (fraction: number) => clean.map((v, i) => (i >= n * (1 - fraction) ? 0 : v));
    expect(checkFlatChannel("CH1", lost(0.6), fs, 1e-4)).toMatchObject({ severity: "critical", value: 0.6, limit: FLAT_CRITICAL_FRACTION });
    expect(checkFlatChannel("CH1", lost(0.1), fs, 1e-4)).toMatchObject({ severity: "warning", value: 0.1, limit: FLAT_WARNING_FRACTION });
    expect(checkFlatChannel("CH1", lost(0.04), fs, 1e-4)).toBeNull();
  });

  it("does not count stretches shorter than 250 ms, nor rail runs at the channel's extreme", () => {
    const gaps = clean.slice();
    for (let s = 0; s + 249 < n; s += 500) gaps.fill(1e-5, s, s + 249); // half the recording, in 249 ms pieces
    expect(checkFlatChannel("CH1", gaps, fs, 1e-4)).toBeNull();
    const rail = clean.slice();
    for (let s = 0; s < n; s += 3000) rail.fill(-5.5e-3, s, s + 300);
    expect(checkFlatChannel("CH1", rail, fs, 1e-4)).toBeNull();
  });

  it("is critical when the filtered signal is below 1 µV RMS even though the samples vary", () => {
    const random = mulberry32(3);
    const floor = clean.map(() => 3e-7 * (2 * random() - 1));
    const input = analyse(floor);
    expect(input.bandpassedRms).toBeLessThan(FLAT_RMS_V);
    expect(checkFlatChannel("CH1", floor, fs, input.bandpassedRms)).toMatchObject({
      severity: "critical",
      value: input.bandpassedRms,
      limit: FLAT_RMS_V,
    });
  });
});

describe("line_noise", () => {
  const withHum = (mainsHz: number, rmsFactor: number, harmonic = 1) => {
    const amplitude = rmsFactor * cleanInput.bandpassedRms! * Math.SQRT2;
    return clean.map((v, i) => v + amplitude * Math.sin((2 * Math.PI * mainsHz * harmonic * i) / fs + 0.3));
  };

  it("finds 50 Hz hum at twice the signal RMS: it carries about 4/5 of the power", () => {
    const input = analyse(withHum(50, 2));
    const finding = checkLineNoise("CH1", input.psd, input.band);
    expect(finding).toMatchObject({ code: "line_noise", severity: "warning", limit: LINE_NOISE_FRACTION });
    // Hum power 4 × the EMG's: 4/5, less the hum leaking outside the four bins of its main lobe, plus
    // the EMG's own scatter above its baseline in those bins.
    expect(finding!.value).toBeGreaterThan(0.75);
    expect(finding!.value).toBeLessThan(0.82);
    expect(finding!.message).toContain("50 Hz");
  });

  it("names 60 Hz mains, and counts a harmonic (180 Hz) as mains", () => {
    const sixty = analyse(withHum(60, 2));
    expect(lineNoiseShare(sixty.psd, sixty.band)?.mainsHz).toBe(60);
    const third = analyse(withHum(60, 2, 3));
    expect(lineNoiseShare(third.psd, third.band)).toMatchObject({ mainsHz: 60 });
    expect(checkLineNoise("CH1", third.psd, third.band)).not.toBeNull();
  });

  it("reports nothing on broadband EMG and little hum (0.2 × RMS carries 4 %)", () => {
    expect(lineNoiseShare(cleanInput.psd, cleanInput.band)!.fraction).toBe(0);
    const faint = analyse(withHum(50, 0.2));
    expect(lineNoiseShare(faint.psd, faint.band)!.fraction).toBeLessThan(LINE_NOISE_FRACTION);
    expect(checkLineNoise("CH1", faint.psd, faint.band)).toBeNull();
  });

  it("counts a line standing 3 × above its shoulders and ignores a broad hump", () => {
    const df = 4;
    const frequencies = Float64Array.from({ length: 129 }, (_, k) => k * df);
    const flat = () => new Float64Array(129).fill(1);
    // Bins 20 … 450 Hz: 108 of power 1. One bin at 48 Hz of power 11: 10 above the baseline 1.
    const line = flat();
    line[12] = 11;
    expect(lineNoiseShare({ frequencies, power: line }, { low: 20, high: 450 })).toMatchObject({ mainsHz: 50, fraction: 10 / 118 });
    // A bump 2.5 × at 44–56 Hz rises above its shoulders but is no line.
    const hump = flat();
    for (const k of [11, 12, 13, 14]) hump[k] = 2.5;
    expect(lineNoiseShare({ frequencies, power: hump }, { low: 20, high: 450 })!.fraction).toBe(0);
  });
});

describe("artifact", () => {
  const quiet = 3500; // 1.5 s into the rest between the first two bursts
  const inBurst = BURSTS[4] + 500;

  it("finds one 6 ms spike in the rest, at its time, as a warning", () => {
    const input = analyse(addSpike(clean, quiet, 4e-3));
    const { finding, spans } = checkArtifacts("CH1", input.bandpassed, input.envelope, fs);
    expect(finding).toMatchObject({ code: "artifact", severity: "warning", channel: "CH1" });
    expect(finding!.message).toContain("1 brief spike");
    expect(finding!.message).toContain("at 3.5 s");
    expect(spans).toHaveLength(1);
    expect(spans[0].start).toBeLessThanOrEqual(quiet + 3);
    expect(spans[0].end).toBeGreaterThanOrEqual(quiet + 3);
  });

  it("measures against the sustained peak, which the spike cannot raise", () => {
    const spiky = analyse(addSpike(clean, quiet, 4e-3));
    expect(findTransients(spiky.bandpassed, spiky.envelope, fs).sustainedPeak).toBeCloseTo(
      findTransients(cleanInput.bandpassed, cleanInput.envelope, fs).sustainedPeak,
      9,
    );
  });

  it("asks more inside activity: a spike of about 5 sustained peaks counts in the rest, not in a burst", () => {
    const reference = findTransients(cleanInput.bandpassed, cleanInput.envelope, fs).sustainedPeak;
    const amplitude = 5.5 * reference;
    const atRest = analyse(addSpike(clean, quiet, amplitude));
    const rest = findTransients(atRest.bandpassed, atRest.envelope, fs).transients;
    expect(rest).toHaveLength(1);
    expect(rest[0].limit).toBe(ARTIFACT_MIN_STRENGTH);
    expect(rest[0].strength).toBeLessThan(ARTIFACT_MAX_STRENGTH);
    const inside = analyse(addSpike(clean, inBurst, amplitude));
    expect(findTransients(inside.bandpassed, inside.envelope, fs).transients).toEqual([]);
    const strong = analyse(addSpike(clean, inBurst, 12 * reference));
    const found = findTransients(strong.bandpassed, strong.envelope, fs).transients;
    expect(found).toHaveLength(1);
    expect(found[0].limit).toBe(ARTIFACT_MAX_STRENGTH);
  });

  it("ignores spikes below 3 sustained peaks, and spikes inside clipped stretches", () => {
    const reference = findTransients(cleanInput.bandpassed, cleanInput.envelope, fs).sustainedPeak;
    const small = analyse(addSpike(clean, quiet, 2 * reference));
    expect(checkArtifacts("CH1", small.bandpassed, small.envelope, fs).finding).toBeNull();
    const big = analyse(addSpike(clean, quiet, 4e-3));
    const clipped = [{ start: quiet - 100, end: quiet + 100, kind: "clipping" as const }];
    expect(checkArtifacts("CH1", big.bandpassed, big.envelope, fs, clipped).finding).toBeNull();
  });

  it("reports several spikes as one finding naming each time", () => {
    const input = analyse(addSpike(addSpike(clean, quiet, 4e-3), 12_500, 4e-3));
    const finding = checkArtifacts("CH1", input.bandpassed, input.envelope, fs).finding;
    expect(finding!.message).toContain("2 brief spikes");
    expect(finding!.message).toContain("at 3.5 s and 12.5 s");
  });
});

describe("mvc_from_outlier", () => {
  const spiky = analyse(addSpike(clean, 3500, 10e-3));
  const spans = checkArtifacts("CH1", spiky.bandpassed, spiky.envelope, fs).spans;

  it("says the task MVC comes from the spike and gives the peak without it: the clean recording's MVC", () => {
    expect(spiky.mvc.value).toBeGreaterThan(2 * cleanInput.mvc.value);
    const finding = checkMvcFromOutlier("CH1", spiky.envelope, spiky.mvc, spans, fs);
    expect(finding).toMatchObject({ code: "mvc_from_outlier", severity: "warning", value: spiky.mvc.value });
    // Away from the spike both recordings' envelopes agree to the band-pass's ringing.
    expect(finding!.limit! / cleanInput.mvc.value).toBeCloseTo(1, 6);
    expect(finding!.message).toContain("a brief spike");
    // The envelope timing threshold (20 % of the MVC) rises with it: bursts are missed as well.
    expect(channelQuality(spiky).map((f) => f.code)).toEqual(expect.arrayContaining(["artifact", "mvc_from_outlier"]));
    expect(spiky.contractions.length).toBeLessThan(cleanInput.contractions.length);
  });

  it("says nothing when the MVC was given, or when the outliers are away from the peak window", () => {
    expect(checkMvcFromOutlier("CH1", spiky.envelope, { value: 1e-3, source: "upload" }, spans, fs)).toBeNull();
    const elsewhere = [{ start: 12_000, end: 12_010, kind: "artifact" as const }];
    expect(checkMvcFromOutlier("CH1", cleanInput.envelope, cleanInput.mvc, elsewhere, fs)).toBeNull();
    expect(robustMvc(cleanInput.envelope, elsewhere)).toBe(cleanInput.mvc.value);
  });

  it("names clipped samples as the cause when the MVC window touches a clipped stretch", () => {
    const x = clean.slice();
    x.fill(-5.5e-3, 3500, 3770);
    const input = analyse(x);
    const { spans: clipped } = checkClipping("CH1", x, fs);
    const finding = checkMvcFromOutlier("CH1", input.envelope, input.mvc, clipped, fs);
    expect(finding!.message).toContain("comes from clipped samples");
    expect(finding!.limit! / cleanInput.mvc.value).toBeCloseTo(1, 6);
  });
});
