/**
 * The quality findings through the one pipeline into the export (docs/quality.md): analyzeC3d on the
 * GHOSTLY fixtures gives the findings docs/quality.md's evidence table lists for each, and defects
 * injected into the file's bytes come out on the channel they were put in.
 */
import { describe, expect, it } from "vitest";
import { analyzeC3d } from "~/lib/analysis/analyze";
import { readC3d } from "~/lib/c3d";
import { buildSessionExport, renderSessionCsv } from "~/lib/export";
import { GHOSTLY_FIXTURES, cut, fixtureBytes } from "../../support/quality";

const now = new Date("2026-12-01T00:00:00Z");
const exportOf = (bytes: Uint8Array) => buildSessionExport(analyzeC3d(bytes), { now });
const codes = (exp: ReturnType<typeof exportOf>, channel: string | null) =>
  exp.data_quality!.findings.filter((f) => f.channel === channel).map((f) => f.code);

// docs/quality.md "Clean recordings": signal findings per channel; every channel but 0464 CH1 has
// no contraction reaching the default 2,000 ms target; 0464 CH2 has 3 of 12 expected contractions.
// Session: sides come from the GHOSTLY layout and "CH1 Raw"/"CH2 Raw" name no side (info).
const DOCUMENTED: Record<string, { CH1: string[]; CH2: string[] }> = {
  "Ghostly_Emg_20230321_17-23-09-0409.c3d": { CH1: ["duration_target_unreachable"], CH2: ["duration_target_unreachable"] },
  "Ghostly_Emg_20230321_17-28-14-0160.c3d": { CH1: ["duration_target_unreachable"], CH2: ["duration_target_unreachable"] },
  "Ghostly_Emg_20230321_17-50-17-0881.c3d": {
    CH1: ["clipping", "mvc_from_outlier", "duration_target_unreachable"],
    CH2: ["duration_target_unreachable"],
  },
  "Ghostly_Emg_20231004_13-18-43-0464.c3d": {
    CH1: ["clipping", "line_noise", "mvc_from_outlier"],
    CH2: ["clipping", "line_noise", "mvc_from_outlier", "few_contractions", "duration_target_unreachable"],
  },
  "Ghostly_Emg_20250310_11-46-23-0823.c3d": { CH1: ["duration_target_unreachable"], CH2: ["duration_target_unreachable"] },
};

/**
 * A copy of a GHOSTLY file with every sample of analog channel `index` set to 0.0: float frames of
 * POINT:USED × 4 words, then ANALOG samples per frame × channels, sample-major (docs/c3d.md).
 */
function zeroChannel(bytes: Uint8Array, index: number): Uint8Array {
  const { header, analog } = readC3d(bytes);
  expect(header.scale, "the GHOSTLY fixtures are float").toBeLessThan(0);
  const x = bytes.slice();
  const view = new DataView(x.buffer);
  const channels = analog.labels.length;
  const frameWords = 4 * header.pointCount + header.analogTotalPerFrame;
  const frames = header.lastFrame - header.firstFrame + 1;
  const start = (header.dataStartBlock - 1) * 512;
  for (let f = 0; f < frames; f++) {
    for (let s = 0; s < header.analogSamplesPerFrame; s++) {
      view.setFloat32(start + 4 * (f * frameWords + 4 * header.pointCount + s * channels + index), 0, true);
    }
  }
  return x;
}

describe("data_quality of the GHOSTLY fixtures (analyzeC3d → export)", () => {
  it.each(GHOSTLY_FIXTURES)("%s has the findings docs/quality.md lists, status review", (name) => {
    const exp = exportOf(fixtureBytes(name));
    expect(codes(exp, null)).toEqual(["left_right_unverified"]);
    expect(exp.data_quality!.findings.find((f) => f.channel === null)?.severity).toBe("info");
    expect(codes(exp, "CH1")).toEqual(DOCUMENTED[name].CH1);
    expect(codes(exp, "CH2")).toEqual(DOCUMENTED[name].CH2);
    expect(exp.data_quality!.status).toBe("review");
  });

  it("0881: the clipping finding is on CH1 and measures its 1,620 rail samples of 173,370", () => {
    const exp = exportOf(fixtureBytes("Ghostly_Emg_20230321_17-50-17-0881.c3d"));
    const clipping = exp.data_quality!.findings.find((f) => f.code === "clipping")!;
    expect(clipping.channel).toBe("CH1");
    expect(clipping.value).toBeCloseTo(1620 / 173370, 12);
    const row = renderSessionCsv(exp).split("\n");
    const header = row[0].split(",");
    const cells = row[1].split(",");
    expect(cells[header.indexOf("quality_status")]).toBe("review");
    expect(cells[header.indexOf("quality_codes")]).toBe("clipping;duration_target_unreachable;left_right_unverified;mvc_from_outlier");
  });

  it("a zeroed CH2 is a critical flat_channel on CH2 only: status unusable, CH1's findings unchanged", () => {
    const name = "Ghostly_Emg_20230321_17-23-09-0409.c3d";
    const clean = exportOf(fixtureBytes(name));
    const exp = exportOf(zeroChannel(fixtureBytes(name), 1));
    expect(exp.data_quality!.findings.filter((f) => f.channel === "CH2").map((f) => [f.code, f.severity])).toEqual([
      ["flat_channel", "critical"],
    ]);
    expect(exp.data_quality!.findings.filter((f) => f.channel === "CH1")).toEqual(
      clean.data_quality!.findings.filter((f) => f.channel === "CH1"),
    );
    expect(exp.data_quality!.status).toBe("unusable");
  });

  it("a file cut at 60 % has recording_truncated for the session, frames read against frames declared", () => {
    const bytes = fixtureBytes("Ghostly_Emg_20230321_17-28-14-0160.c3d");
    const exp = exportOf(cut(bytes, 0.6));
    const truncated = exp.data_quality!.findings.find((f) => f.code === "recording_truncated")!;
    expect(truncated.channel).toBeNull();
    const declared = readC3d(bytes).frames.count;
    expect(truncated.limit).toBe(declared);
    expect(truncated.value! / declared).toBeGreaterThan(0.55);
    expect(truncated.value! / declared).toBeLessThan(0.6);
  });
});
