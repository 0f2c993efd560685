/**
 * A real consumer: python3 + pandas (Debian python3-pandas) reads the one-row, contractions and
 * batch CSVs exactly as a researcher would (`pd.read_csv(path)`, no options). Numeric columns must
 * come out numeric, booleans boolean, and every value equal to the JSON export's.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
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
    // A plain pd.read_csv(path) types every column the same way. (Its default float parser,
    // xstrtod, is not correctly rounded — up to ~1e-13 relative off here — which is why
    // docs/csv-format.md tells pandas users to pass float_precision="round_trip" for exact values.)
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
