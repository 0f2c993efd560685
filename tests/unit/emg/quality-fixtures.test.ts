/**
 * The quality checks on the five GHOSTLY recordings through the real pipeline: what each clean file
 * gives (only what its raw samples justify, docs/quality.md "Evidence"), and each injected defect
 * caught on the channel it was put in, with the other channel's findings unchanged.
 */
import { describe, expect, it } from "vitest";
import { readC3d } from "~/lib/c3d";
import { type QualityFinding, channelQuality, checkRecordingFrames, qualityReport } from "~/lib/emg/quality";
import {
  GHOSTLY_FIXTURES,
  RAIL_RUN,
  RAIL_V,
  analyseMuscles,
  channelFindings,
  clamp,
  codesOf,
  cut,
  fixtureBytes,
  hum,
  quietestSample,
  railRuns,
  readFixture,
  spike,
  unfinalized,
  zeroed,
} from "../../support/quality";

const SIGNAL_CODES = ["clipping", "flat_channel", "line_noise", "artifact", "mvc_from_outlier"];
const signalCodes = (findings: readonly QualityFinding[]) => codesOf(findings).filter((c) => SIGNAL_CODES.includes(c));

/**
 * Signal codes each clean channel must give, from inspecting its raw samples:
 * 0881 CH1 holds six runs of 270 samples at −32768 codes (−5.5 mV) and its task MVC is their edge;
 * 0464 CH1 sits at ±32 670 codes (±5.48 mV) in flat-topped bursts and is a 50 Hz waveform of
 * ±1.7 mV at rest; 0464 CH2 flat-tops at +32 600 codes in two bursts and rests on ±150 µV of 50 Hz.
 */
const JUSTIFIED: Record<string, [string[], string[]]> = {
  "Ghostly_Emg_20230321_17-23-09-0409.c3d": [[], []],
  "Ghostly_Emg_20230321_17-28-14-0160.c3d": [[], []],
  "Ghostly_Emg_20230321_17-50-17-0881.c3d": [["clipping", "mvc_from_outlier"], []],
  "Ghostly_Emg_20231004_13-18-43-0464.c3d": [
    ["clipping", "line_noise", "mvc_from_outlier"],
    ["clipping", "line_noise", "mvc_from_outlier"],
  ],
  "Ghostly_Emg_20250310_11-46-23-0823.c3d": [[], []],
};

const files = GHOSTLY_FIXTURES.map((name) => ({ name, file: readFixture(name) }));
const baseline = new Map(files.map(({ name, file }) => [name, analyseMuscles(file)]));
const baselineFindings = new Map([...baseline].map(([name, channels]) => [name, channels.map((c) => channelQuality(c.input))]));

describe("clean GHOSTLY recordings", () => {
  for (const { name } of files) {
    it(`${name}: only the signal findings its raw samples justify`, () => {
      expect(baselineFindings.get(name)!.map(signalCodes)).toEqual(JUSTIFIED[name]);
    });
  }

  it("0881 CH1: clipping counts exactly the six device rail runs, and the MVC comes from them", () => {
    const [ch1] = baseline.get("Ghostly_Emg_20230321_17-50-17-0881.c3d")!;
    const findings = baselineFindings.get("Ghostly_Emg_20230321_17-50-17-0881.c3d")![0];
    const clipping = findings.find((f) => f.code === "clipping")!;
    // 6 × 270 samples at the rail, 173,370 samples in all.
    expect(clipping.value).toBe((6 * 270) / 173_370);
    expect(clipping.message).toContain("its lowest value (−5.50 mV) for 1.64 s in 6 stretches");
    const mvc = findings.find((f) => f.code === "mvc_from_outlier")!;
    expect(mvc.value).toBe(ch1.input.mvc.value);
    // Without the rail runs the envelope peaks in the strongest detected contraction (159.8 s).
    const strongest = Math.max(...ch1.result.contractions.map((c) => c.peak_rms));
    expect(mvc.limit).toBe(strongest);
    expect(mvc.limit!).toBeLessThan(0.7 * mvc.value!);
  });

  it("every clean session is 'review' at the default 2,000 ms target: no GHOSTLY contraction lasts that long but 0464 CH1's", () => {
    for (const [name, perChannel] of baselineFindings) {
      const unreachable = perChannel.map((f) => f.some((x) => x.code === "duration_target_unreachable"));
      expect(unreachable).toEqual(name.includes("0464") ? [false, true] : [true, true]);
      expect(qualityReport([], perChannel).status).toBe("review");
    }
  });

  it("no whole file is truncated", () => {
    for (const { file } of files) expect(checkRecordingFrames(file.completeness)).toBeNull();
  });
});

type Channel = ReturnType<typeof analyseMuscles>[number];

const DEFECTS: { name: string; code: string; make: (c: Channel) => Float64Array }[] = [
  { name: "rail runs (3 × 270 samples at −5.5 mV)", code: "clipping", make: (c) => railRuns(c.raw) },
  { name: "clamped so that 1 % of the samples clip", code: "clipping", make: (c) => clamp(c.raw, 0.01) },
  { name: "zeroed", code: "flat_channel", make: (c) => zeroed(c.raw) },
  { name: "50 Hz at 5 × the signal RMS", code: "line_noise", make: (c) => hum(c.raw, c.input.fs, 5, c.input.bandpassedRms!) },
  {
    name: "a 6 ms spike 10 × the MVC in the quietest second",
    code: "artifact",
    make: (c) => spike(c.raw, c.input.fs, quietestSample(c.result), 10 * c.input.mvc.value),
  },
];

describe("defects injected into copies of the fixtures", () => {
  for (const defect of DEFECTS) {
    for (const { name, file } of files) {
      for (const index of [0, 1]) {
        it(`${defect.name} on CH${index + 1} of ${name}: ${defect.code} there, the other channel unchanged`, () => {
          const clean = baseline.get(name)!;
          const before = baselineFindings.get(name)!;
          const replace = [0, 1].map((i) => (i === index ? defect.make(clean[index]) : undefined));
          const after = channelFindings(file, replace);
          const ch = clean[index].channel;
          const other = clean[1 - index].channel;
          const found = after[ch].find((f) => f.code === defect.code);
          expect(found, codesOf(after[ch]).join()).toBeDefined();
          const was = before[index].find((f) => f.code === defect.code);
          // Where the clean channel already had the code, the defect must make it worse.
          if (was) expect(found!.value!).toBeGreaterThan(was.value!);
          expect(after[other]).toEqual(before[1 - index]);
          if (defect.code === "flat_channel") {
            expect(found!.severity).toBe("critical");
            expect(qualityReport([], Object.values(after)).status).toBe("unusable");
          }
          if (defect.code === "artifact") expect(codesOf(after[ch])).toContain("mvc_from_outlier");
        });
      }
    }
  }

  for (const { name } of files) {
    it(`${name} cut at 60 %: recording_truncated for the session, about 60 % of the frames`, () => {
      const file = readC3d(cut(fixtureBytes(name), 0.6));
      const found = checkRecordingFrames(file.completeness)!;
      expect(found).toMatchObject({
        code: "recording_truncated",
        channel: null,
        value: file.frames.count,
        limit: readFixture(name).frames.count,
      });
      expect(found.value! / found.limit!).toBeGreaterThan(0.58);
      expect(found.value! / found.limit!).toBeLessThan(0.6);
    });

    it(`${name} unfinalized: recording_recovered with every frame`, () => {
      const file = readC3d(unfinalized(fixtureBytes(name)));
      const whole = readFixture(name).frames.count;
      const found = checkRecordingFrames(file.completeness)!;
      expect(found).toMatchObject({ code: "recording_recovered", severity: "warning", channel: null, value: whole });
      expect(found.message).toContain(`${whole.toLocaleString("en-US")} frames (`);
    });
  }

  it("the rail value and run length are those of 0881 CH1", () => {
    const [ch1] = baseline.get("Ghostly_Emg_20230321_17-50-17-0881.c3d")!;
    const min = ch1.raw.reduce((m, v) => Math.min(m, v), Infinity);
    expect(min).toBeCloseTo(RAIL_V, 6);
    expect(ch1.raw.filter((v) => v === min)).toHaveLength(6 * RAIL_RUN);
  });
});
