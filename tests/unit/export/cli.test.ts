/**
 * bin/analyze.ts as a user runs it (a tsx subprocess), checked against the independent SciPy
 * reference (tests/fixtures/reference/pipeline): setting a = defaults, setting b = RPE 5, BFR 50 %
 * AOP, game maximum 30, timing from the envelope. Scores within 1e-6, counts equal.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import Papa from "papaparse";
import { describe, expect, it } from "vitest";
import { sessionExportSchema, type SessionExport } from "~/lib/export/schema";
import { main } from "../../../bin/analyze";
import { loadReference, type Reference } from "./fixture";

const run = promisify(execFile);
const GHOSTLY = [
  "Ghostly_Emg_20230321_17-23-09-0409.c3d",
  "Ghostly_Emg_20230321_17-28-14-0160.c3d",
  "Ghostly_Emg_20230321_17-50-17-0881.c3d",
  "Ghostly_Emg_20231004_13-18-43-0464.c3d",
  "Ghostly_Emg_20250310_11-46-23-0823.c3d",
];
const paths = GHOSTLY.map((f) => `tests/fixtures/c3d/${f}`);
const SETTING_B = ["--rpe-post", "5", "--bfr-aop", "50", "--game-points-max", "30", "--timing-source", "envelope"];

async function cli(args: string[]): Promise<string> {
  const { stdout } = await run("node_modules/.bin/tsx", ["bin/analyze.ts", ...args], { maxBuffer: 64 * 1024 * 1024 });
  return stdout;
}

const TOL = 1e-6;
function expectClose(actual: number | null, expected: number | null, what: string) {
  if (expected === null) return expect(actual, what).toBeNull();
  expect(actual, what).not.toBeNull();
  expect(Math.abs((actual as number) - expected), `${what}: ${actual} vs ${expected}`).toBeLessThanOrEqual(
    TOL * Math.max(1, Math.abs(expected)),
  );
}

function compare(exp: SessionExport, ref: Reference, file: string) {
  const ps = exp.performance_scores!;
  for (const [k, v] of Object.entries(ref.performance_scores)) {
    if (typeof v === "number") expectClose(ps[k as keyof typeof ps] as number | null, v, `${file} performance_scores.${k}`);
    else expect(ps[k as keyof typeof ps], `${file} performance_scores.${k}`).toEqual(v);
  }
  for (const side of ["left_muscle", "right_muscle"] as const) {
    for (const [k, v] of Object.entries(ref.compliance_breakdown[side])) {
      const got = exp.compliance_breakdown![side][k as keyof (typeof ref.compliance_breakdown)["left_muscle"]];
      if (k.endsWith("_count") || k === "expected_contractions" || typeof v !== "number") expect(got, `${file} ${side}.${k}`).toEqual(v);
      else expectClose(got as number, v, `${file} ${side}.${k}`);
    }
  }
  expect(exp.processing_parameters).toEqual(ref.processing_parameters);
  for (const [id, ch] of Object.entries(ref.channels)) {
    const got = exp.channels![id];
    for (const k of [
      "contraction_count",
      "good_contraction_count",
      "intensity_compliant_count",
      "duration_compliant_count",
      "timing_source",
      "mvc_source",
      "side",
    ] as const) {
      expect(got[k], `${file} ${id}.${k}`).toEqual(ch[k]);
    }
  }
  expect(exp.contractions!.length, `${file} contractions`).toBe(ref.contractions.length);
  expect(exp.contractions!.map((c) => [c.channel, c.index, c.is_good])).toEqual(
    ref.contractions.map((c) => [c.channel, c.index, c.is_good]),
  );
  expect(exp.data_completeness).toMatchObject(ref.data_completeness);
}

describe("bin/analyze.ts against the SciPy reference", () => {
  it("setting a (defaults): JSON array of the 5 GHOSTLY files", async () => {
    const exports = JSON.parse(await cli(paths)) as SessionExport[];
    expect(exports).toHaveLength(5);
    exports.forEach((exp, i) => {
      sessionExportSchema.parse(exp);
      expect(exp.export_metadata.session_id).toBeNull();
      expect(exp.session!.source_filename).toBe(GHOSTLY[i]);
      compare(exp, loadReference(GHOSTLY[i], "a"), GHOSTLY[i]);
    });
  });

  it("setting b (--rpe-post 5 --bfr-aop 50 --game-points-max 30 --timing-source envelope), one file at a time and as batch CSV", async () => {
    const one = JSON.parse(await cli([paths[0], ...SETTING_B])) as SessionExport;
    compare(one, loadReference(GHOSTLY[0], "b"), GHOSTLY[0]);
    const csv = await cli([...paths, ...SETTING_B, "--format", "csv"]);
    const rows = Papa.parse<Record<string, string>>(csv, { header: true, skipEmptyLines: true }).data;
    expect(rows).toHaveLength(5);
    rows.forEach((row, i) => {
      const ref = loadReference(GHOSTLY[i], "b");
      expectClose(Number(row.performance_overall_score), ref.performance_scores.overall_score, `${GHOSTLY[i]} csv overall`);
      expect(Number(row.left_muscle_contraction_count)).toBe(ref.compliance_breakdown.left_muscle.contraction_count);
      expect(row.performance_category).toBe(ref.performance_scores.category ?? "");
    });
  });
});

describe("bin/analyze.ts arguments", () => {
  async function exitOf(argv: string[], env: Record<string, string | undefined> = {}) {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(argv, {
      stdout: (t) => void out.push(typeof t === "string" ? t : new TextDecoder("latin1").decode(t)),
      stderr: (t) => void err.push(t),
      env,
    });
    return { code, out: out.join(""), err: err.join("") };
  }

  it("exits 2 with a message for bad arguments, values and files", async () => {
    expect(await exitOf([])).toMatchObject({ code: 2, err: expect.stringContaining("give a .c3d file or a folder") });
    expect(await exitOf([paths[0], "--bogus", "1"])).toMatchObject({ code: 2, err: expect.stringContaining("unknown option --bogus") });
    expect(await exitOf([paths[0], "--format", "xml"])).toMatchObject({
      code: 2,
      err: expect.stringContaining("--format must be json, csv, pdf or xlsx"),
    });
    expect(await exitOf([paths[0], "--rpe-post", "11"])).toMatchObject({ code: 2, err: expect.stringContaining("rpe_post_session") });
    expect(await exitOf([paths[0], "--table", "contractions"])).toMatchObject({
      code: 2,
      err: expect.stringContaining("needs --format csv"),
    });
    expect(await exitOf(["tests/fixtures/nope.c3d"])).toMatchObject({ code: 2, err: expect.stringContaining("no such file") });
    const notEmg = await exitOf(["tests/fixtures/c3d/Walk1.c3d"]);
    expect(notEmg).toMatchObject({ code: 2, out: "", err: expect.stringContaining("no EMG channel") });
    const notC3d = await exitOf(["tests/fixtures/README.md"]);
    expect(notC3d.code).toBe(2);
    expect(notC3d.err).toMatch(/byte \d+/);
    expect(notC3d.out).toBe("");
  });

  it("writes the contractions CSV of one file and the minimal export with USE_ENHANCED_EXPORT=false", async () => {
    const table = await exitOf([paths[0], "--format", "csv", "--table", "contractions", ...SETTING_B]);
    expect(table.code).toBe(0);
    const rows = Papa.parse<Record<string, string>>(table.out, { header: true, skipEmptyLines: true }).data;
    expect(rows).toHaveLength(loadReference(GHOSTLY[0], "b").contractions.length);
    expect(Object.keys(rows[0]).slice(0, 3)).toEqual(["session_id", "channel", "index"]);
    const minimal = await exitOf([paths[0], "--timestamp", "2026-01-01T00:00:00Z"], { USE_ENHANCED_EXPORT: "false" });
    expect(Object.keys(JSON.parse(minimal.out))).toEqual(["export_metadata", "performance_scores", "scoring_configuration"]);
    expect(JSON.parse(minimal.out).export_metadata.export_timestamp).toBe("2026-01-01T00:00:00.000Z");
  });
});
