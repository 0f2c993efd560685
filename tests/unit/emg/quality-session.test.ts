/**
 * Session-level quality findings, the task's targets and the status they add up to (docs/quality.md).
 */
import { describe, expect, it } from "vitest";
import { SHORT_RECORDING_S } from "~/lib/emg";
import {
  type QualityFinding,
  checkChannelMapping,
  checkDurationTarget,
  checkFewContractions,
  checkRecordingFrames,
  checkShortRecording,
  checkSides,
  checkUsableChannels,
  finding,
  formatTimes,
  formatVolts,
  qualityReport,
  qualityStatus,
  sideNamedIn,
} from "~/lib/emg/quality";

const of = (severity: QualityFinding["severity"]) => finding("x", severity, null, "", null, null);

describe("qualityStatus", () => {
  it("is good without warnings, review with one, unusable with any critical", () => {
    expect(qualityStatus([])).toBe("good");
    expect(qualityStatus([of("info"), of("info")])).toBe("good");
    expect(qualityStatus([of("info"), of("warning")])).toBe("review");
    expect(qualityStatus([of("warning"), of("critical"), of("info")])).toBe("unusable");
  });

  it("qualityReport puts session findings before channel ones and drops the checks that found nothing", () => {
    const session = finding("recording_truncated", "warning", null, "", 1, 2);
    const ch1 = finding("clipping", "warning", "CH1", "", 0.01, 0.0002);
    const ch2 = finding("flat_channel", "critical", "CH2", "", 1, 0.5);
    expect(qualityReport([null, session, null], [[ch1], [ch2]])).toEqual({ status: "unusable", findings: [session, ch1, ch2] });
    expect(qualityReport([null], [[], []])).toEqual({ status: "good", findings: [] });
  });
});

describe("recording_truncated and recording_recovered", () => {
  const at33 = (frames: number) => frames / 33;
  it("compares the frames read with those declared, in frames and seconds", () => {
    // 5,779 frames at 33 Hz cut after 3,467: 2,312 frames (70.06 s) missing, 60.0 % kept.
    const cut = checkRecordingFrames({
      status: "truncated",
      declaredFrames: 5779,
      framesRead: 3467,
      secondsDeclared: at33(5779),
      secondsRead: at33(3467),
    });
    expect(cut).toMatchObject({ code: "recording_truncated", severity: "warning", channel: null, value: 3467, limit: 5779 });
    expect(cut!.message).toContain("3,467 of the 5,779 frames");
    expect(cut!.message).toContain("(60 %)");
    expect(cut!.message).toContain("2,312 frames (70.1 s) are missing");
    const complete = {
      status: "complete" as const,
      declaredFrames: 5779,
      framesRead: 5779,
      secondsDeclared: at33(5779),
      secondsRead: at33(5779),
    };
    expect(checkRecordingFrames(complete)).toBeNull();
  });

  it("says how much an unfinalized recording gave back", () => {
    const recovered = checkRecordingFrames({
      status: "recovered",
      declaredFrames: 0,
      framesRead: 4732,
      secondsDeclared: 0,
      secondsRead: at33(4732),
    });
    expect(recovered).toMatchObject({ code: "recording_recovered", severity: "warning", value: 4732, limit: null });
    expect(recovered!.message).toContain("4,732 frames (143.4 s) were recovered");
  });
});

describe("short_recording", () => {
  it("uses the pipeline's 10 s limit, in seconds", () => {
    expect(SHORT_RECORDING_S).toBe(10);
    expect(checkShortRecording(9.99)).toMatchObject({ code: "short_recording", severity: "warning", value: 9.99, limit: 10 });
    expect(checkShortRecording(10)).toBeNull();
  });
});

describe("few_contractions", () => {
  it("fires below half the expected count", () => {
    expect(checkFewContractions("CH1", 5, 12)).toMatchObject({ code: "few_contractions", channel: "CH1", value: 5, limit: 6 });
    expect(checkFewContractions("CH1", 6, 12)).toBeNull();
    expect(checkFewContractions("CH1", 0, 1)).toMatchObject({ value: 0, limit: 0.5 });
    expect(checkFewContractions("CH1", 0, null)).toBeNull();
  });
});

describe("duration_target_unreachable", () => {
  const contraction = (duration_ms: number, meets_duration: boolean) => ({ duration_ms, meets_duration });

  it("fires when no contraction meets the target, giving the longest", () => {
    const all = [contraction(100, false), contraction(800, false), contraction(350, false)];
    expect(checkDurationTarget("CH2", all, 2000)).toMatchObject({
      code: "duration_target_unreachable",
      severity: "warning",
      channel: "CH2",
      value: 800,
      limit: 2000,
    });
  });

  it("follows the pipeline's meets_duration (whole samples), and needs contractions", () => {
    expect(checkDurationTarget("CH1", [contraction(100, false), contraction(1999.5, true)], 2000)).toBeNull();
    expect(checkDurationTarget("CH1", [], 2000)).toBeNull();
  });
});

describe("channel_mapping_guessed", () => {
  const muscles = [
    { channel: "EMG1", side: "left" as const, label: "EMG1" },
    { channel: "EMG2", side: "right" as const, label: "EMG2" },
  ];
  it("is a warning only for a label heuristic", () => {
    expect(checkChannelMapping("label_heuristic", muscles)).toMatchObject({ code: "channel_mapping_guessed", severity: "warning" });
    expect(checkChannelMapping("label_heuristic", muscles)!.message).toContain('"EMG1" as left and "EMG2" as right');
    for (const source of ["explicit", "preset", "known_layout"] as const) expect(checkChannelMapping(source, muscles)).toBeNull();
  });
});

describe("left_right_unverified", () => {
  it("reads sides from labels and descriptions", () => {
    expect(sideNamedIn("Left VL")).toBe("left");
    expect(sideNamedIn("L_VM Raw")).toBe("left");
    expect(sideNamedIn("EMG R")).toBe("right");
    expect(sideNamedIn("R1 quadriceps")).toBe("right");
    expect(sideNamedIn("CH1 Raw")).toBeNull();
    expect(sideNamedIn("Rectus femoris")).toBeNull();
    expect(sideNamedIn("left and right")).toBeNull();
  });

  it("is an info for GHOSTLY's CH1/CH2 by default, nothing when the labels agree, a warning when they contradict", () => {
    const ghostly = [
      { channel: "CH1", side: "left" as const, label: "CH1 Raw" },
      { channel: "CH2", side: "right" as const, label: "CH2 Raw" },
    ];
    expect(checkSides("default", ghostly)).toMatchObject({ code: "left_right_unverified", severity: "info", channel: null });
    expect(checkSides("default", ghostly)!.message).toContain("CH1 is taken as left and CH2 is taken as right");
    expect(checkSides("explicit", ghostly)).toBeNull();
    const named = [
      { channel: "L VL", side: "left" as const, label: "L VL" },
      { channel: "R VL", side: "right" as const, label: "R VL" },
    ];
    expect(checkSides("default", named)).toBeNull();
    const swapped = [
      { channel: "EMG1", side: "left" as const, label: "EMG1", description: "right vastus lateralis" },
      { channel: "EMG2", side: "right" as const, label: "EMG2", description: "left vastus lateralis" },
    ];
    expect(checkSides("default", swapped)).toMatchObject({ severity: "warning" });
    expect(checkSides("default", swapped)!.message).toContain('EMG1 is analysed as left but its label "EMG1" says right');
  });
});

describe("usable channels", () => {
  const error = { code: "too_short", message: "CH2 Raw: 500 samples (0.505 s); at least 990 are needed" };
  it("warns per rejected channel and is critical when none is left", () => {
    const one = checkUsableChannels([
      { channel: "CH1", error: null },
      { channel: "CH2", error },
    ]);
    expect(one.map((f) => [f.code, f.severity, f.channel])).toEqual([["channel_rejected", "warning", "CH2"]]);
    const none = checkUsableChannels([{ channel: "CH2", error }]);
    expect(none.map((f) => f.code)).toEqual(["channel_rejected", "no_usable_channel"]);
    expect(qualityStatus(none)).toBe("unusable");
    expect(checkUsableChannels([{ channel: "CH1", error: null }])).toEqual([]);
  });
});

describe("message units", () => {
  it("shows volts as µV or mV, and lists times", () => {
    expect(formatVolts(827.9e-6)).toBe("828 µV");
    expect(formatVolts(-5.5001e-3)).toBe("−5.50 mV");
    expect(formatVolts(3e-7)).toBe("0.3 µV");
    expect(formatTimes([3.5])).toBe("3.5 s");
    expect(formatTimes([3.5, 12.5, 20])).toBe("3.5 s, 12.5 s and 20.0 s");
    expect(formatTimes([1, 2, 3, 4, 5, 6, 7])).toBe("1.0 s, 2.0 s, 3.0 s, 4.0 s, 5.0 s and 2 more");
  });
});
