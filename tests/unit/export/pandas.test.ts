/**
 * A real consumer: python3 + pandas (Debian python3-pandas) reads the one-row, contractions and
 * batch CSVs as a researcher would. With `float_precision="round_trip"` every value equals the JSON
 * export's; with a plain `pd.read_csv(path)` (its fast, not correctly rounded parser) every number of
 * every fixture's CSVs is within 2 ulp (docs/csv-format.md "Numbers"). Numeric columns must come out
 * numeric, booleans boolean.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { analyzeUploadForExport, isInputError, parseAnalysisOptions } from "~/lib/analysis";
import {
  buildSessionExport,
  exportColumns,
  renderBatchCsv,
  renderContractionsCsv,
  renderSessionCsv,
  toCsvRow,
  type AnyExport,
} from "~/lib/export";
import type { SessionExport } from "~/lib/export/schema";
import { referenceAnalysis } from "./fixture";

const dir = mkdtempSync(path.join(os.tmpdir(), "export-pandas-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// argv[1] = "round_trip" (exact parsing, what docs/csv-format.md recommends) or "default".
const READ = `
import json, sys, math
import pandas as pd
out = {}
mode = sys.argv[1]
for p in sys.argv[2:]:
    df = pd.read_csv(p, float_precision="round_trip") if mode == "round_trip" else pd.read_csv(p)
    cols = {}
    for c in df.columns:
        vals = [None if (isinstance(v, float) and math.isnan(v)) else (v.item() if hasattr(v, "item") else v) for v in df[c].tolist()]
        cols[c] = {"dtype": str(df[c].dtype), "values": vals}
    out[p] = cols
print(json.dumps(out))
`;

type Frame = Record<string, { dtype: string; values: unknown[] }>;

/**
 * The first python3 that has pandas: $PYTHON, then Debian's /usr/bin/python3 (python3-pandas; a
 * pyenv shim earlier on PATH may lack it), then python3 on PATH. None → the test fails, loudly.
 */
const python = [process.env.PYTHON, "/usr/bin/python3", "python3"]
  .filter((p): p is string => Boolean(p))
  .find((p) => {
    try {
      execFileSync(p, ["-c", "import pandas"], { stdio: "ignore" });
      return true;
    } catch {
      return false;
    }
  });

function readWithPandas(file: string, mode: "round_trip" | "default" = "round_trip"): Frame {
  if (!python) throw new Error("no python3 with pandas found (install python3-pandas or set PYTHON)");
  const out = JSON.parse(execFileSync(python, ["-c", READ, mode, file], { encoding: "utf8" })) as Record<string, Frame>;
  return out[file];
}

const now = new Date("2026-01-02T03:04:05.678Z");
const exports: SessionExport[] = [
  buildSessionExport({ ...referenceAnalysis("b"), session_id: "s-b" }, { now }),
  buildSessionExport({ ...referenceAnalysis("a"), session_id: "s-a" }, { now }),
];

/** The JSON value of every CSV cell, by column, through the same column table the CSV uses. */
function expectedColumns(list: AnyExport[]): Record<string, unknown[]> {
  const rows = list.map((e) => toCsvRow(e));
  // An empty cell (null, or an empty warning list) is NaN → None for pandas.
  return Object.fromEntries(Object.keys(rows[0]).map((c) => [c, rows.map((r) => (r[c] === "" ? null : r[c]))]));
}

function checkFrame(frame: Frame, expected: Record<string, unknown[]>) {
  expect(Object.keys(frame)).toEqual(Object.keys(expected));
  const kinds = new Map(exportColumns(8).map((c) => [c.name, c.kind]));
  for (const [column, values] of Object.entries(expected)) {
    const { dtype, values: got } = frame[column];
    const kind = kinds.get(column);
    const present = values.filter((v) => v !== null);
    if ((kind === "number" || kind === "integer") && present.length > 0) {
      expect(dtype, column).toMatch(/^(float64|int64)$/);
    }
    if (kind === "boolean" && present.length === values.length) expect(dtype, column).toBe("bool");
    // Text cells that look like numbers would be re-typed by pandas; none of ours are compared as text.
    if (kind === "string" && present.length > 0 && typeof present[0] === "string") expect(dtype, column).toBe("object");
    expect(got, column).toEqual(values);
  }
}

describe("pandas.read_csv reads our CSVs", () => {
  it("one-row CSV: numeric columns numeric, every value equal to the JSON's", () => {
    const file = path.join(dir, "one.csv");
    writeFileSync(file, renderSessionCsv(exports[0]));
    const frame = readWithPandas(file);
    checkFrame(frame, expectedColumns([exports[0]]));
    // A plain pd.read_csv(path) types every column the same way; its values are within 2 ulp
    // (checked on every fixture below); float_precision="round_trip" gives them back exactly.
    const plain = readWithPandas(file, "default");
    for (const column of Object.keys(frame)) expect(plain[column].dtype, column).toBe(frame[column].dtype);
    expect(frame.performance_overall_score.values[0]).toBe(exports[0].performance_scores?.overall_score);
    expect(frame.emg_ch1_fatigue_index_fi_nsm5.values[0]).toBe(exports[0].channels?.CH1.fatigue_index_fi_nsm5);
  });

  it("batch CSV of two sessions: same columns, one row each, values equal", async () => {
    let text = "";
    for await (const chunk of renderBatchCsv(exports)) text += chunk;
    const file = path.join(dir, "batch.csv");
    writeFileSync(file, text);
    checkFrame(readWithPandas(file), expectedColumns(exports));
  });

  it("contractions CSV: one row per contraction equal to the JSON list", () => {
    const file = path.join(dir, "contractions.csv");
    writeFileSync(file, renderContractionsCsv(exports[0]));
    const frame = readWithPandas(file);
    const list = exports[0].contractions ?? [];
    expect(frame.session_id.values).toEqual(list.map(() => "s-b"));
    for (const key of Object.keys(list[0]) as (keyof (typeof list)[0])[]) {
      expect(frame[key].values, key).toEqual(list.map((c) => c[key]));
    }
    expect(frame.start_ms.dtype).toBe("float64");
    expect(frame.index.dtype).toBe("int64");
    expect(frame.is_good.dtype).toBe("bool");
  });
});

/** Distance in units in the last place between two doubles (0 = identical; NaN/sign mix → Infinity). */
function ulpDistance(a: number, b: number): number {
  if (a === b) return 0;
  if (!Number.isFinite(a) || !Number.isFinite(b) || Math.sign(a) !== Math.sign(b)) return Infinity;
  const bits = new BigInt64Array(new Float64Array([a, b]).buffer);
  const d = bits[0] - bits[1];
  return Number(d < 0n ? -d : d);
}

/**
 * Every fixture the pipeline analyses (the GHOSTLY recordings and the other files with EMG-labelled
 * channels), with the defaults and with setting b (RPE, BFR, game maximum: no null scores).
 */
function fixtureExports(): { name: string; exp: SessionExport }[] {
  const dirC3d = path.resolve("tests/fixtures/c3d");
  const out: { name: string; exp: SessionExport }[] = [];
  for (const file of readdirSync(dirC3d)
    .filter((n) => /\.c3d$/i.test(n))
    .sort()) {
    const bytes = new Uint8Array(readFileSync(path.join(dirC3d, file)));
    for (const [setting, fields] of Object.entries(SETTINGS)) {
      let source;
      try {
        source = analyzeUploadForExport(bytes, { ...parseAnalysisOptions(fields), sourceFilename: file });
      } catch (error) {
        if (isInputError(error)) continue; // not analysable (no EMG channel, no analog data): nothing to export
        throw error;
      }
      out.push({ name: `${file}.${setting}`, exp: buildSessionExport({ ...source, session_id: `${file}.${setting}` }, { now }) });
    }
  }
  return out;
}

const SETTINGS: Record<string, Record<string, string>> = {
  a: {},
  b: { rpe_post_session: "5", bfr_pressure_aop: "50", game_points_max: "30", timing_source: "envelope" },
};

describe("pandas' default read_csv (no float_precision) gives back every number within 2 ulp", () => {
  const all = fixtureExports();

  /** Reads the files with the default parser and checks every numeric cell against its expected value. */
  function checkNumbers(files: { file: string; expected: Record<string, unknown[]> }[]) {
    const frames = JSON.parse(
      execFileSync(python ?? "python3", ["-c", READ, "default", ...files.map((f) => f.file)], {
        encoding: "utf8",
        maxBuffer: 256 * 1024 * 1024,
      }),
    ) as Record<string, Frame>;
    let compared = 0;
    let worst = 0;
    for (const { file, expected } of files) {
      const frame = frames[file];
      expect(Object.keys(frame)).toEqual(Object.keys(expected));
      for (const [column, values] of Object.entries(expected)) {
        if (!values.some((v) => typeof v === "number")) continue;
        // A numeric column is numeric for pandas, and each of its cells within 2 ulp of the JSON's.
        expect(frame[column].dtype, `${file} ${column}`).toMatch(/^(float64|int64)$/);
        values.forEach((value, i) => {
          const got = frame[column].values[i];
          if (value === null) return expect(got, `${file} ${column}[${i}]`).toBeNull();
          const d = ulpDistance(got as number, value as number);
          expect(d, `${file} ${column}[${i}]: pandas ${String(got)}, JSON ${value as number}`).toBeLessThanOrEqual(2);
          worst = Math.max(worst, d);
          compared++;
        });
      }
    }
    return { compared, worst };
  }

  it("analyses the GHOSTLY fixtures and the other EMG files", () => {
    const names = new Set(all.map((e) => e.name.replace(/\.[ab]$/, "")));
    expect([...names].filter((n) => n.startsWith("Ghostly_Emg_"))).toHaveLength(5);
    expect(names.size).toBeGreaterThanOrEqual(7);
  });

  it("one-row CSV of every fixture export", () => {
    const files = all.map(({ name, exp }) => {
      const file = path.join(dir, `${name}.row.csv`);
      writeFileSync(file, renderSessionCsv(exp));
      return { file, expected: expectedColumns([exp]) };
    });
    expect(checkNumbers(files).compared).toBeGreaterThan(all.length * 50);
  });

  it("contractions CSV of every fixture export", () => {
    const files = all
      .filter(({ exp }) => (exp.contractions ?? []).length > 0)
      .map(({ name, exp }) => {
        const file = path.join(dir, `${name}.contractions.csv`);
        writeFileSync(file, renderContractionsCsv(exp));
        const list = exp.contractions ?? [];
        const expected: Record<string, unknown[]> = { session_id: list.map(() => exp.export_metadata.session_id) };
        for (const key of Object.keys(list[0])) expected[key] = list.map((c) => c[key as keyof typeof c]);
        return { file, expected };
      });
    expect(files.length).toBeGreaterThanOrEqual(5);
    expect(checkNumbers(files).compared).toBeGreaterThan(1000);
  });

  it("batch CSV of all fixture exports", async () => {
    let text = "";
    for await (const chunk of renderBatchCsv(all.map((e) => e.exp))) text += chunk;
    const file = path.join(dir, "fixtures.batch.csv");
    writeFileSync(file, text);
    const { compared } = checkNumbers([{ file, expected: expectedColumns(all.map((e) => e.exp)) }]);
    expect(compared).toBeGreaterThan(all.length * 50);
  });
});
