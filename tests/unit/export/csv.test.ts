import Papa from "papaparse";
import { describe, expect, it } from "vitest";
import {
  buildSessionExport,
  exportColumns,
  guardFormula,
  renderBatchCsv,
  renderContractionsCsv,
  renderSessionCsv,
  toCsvRow,
  unflattenCsvRow,
  unguardFormula,
} from "~/lib/export";
import type { SessionExport } from "~/lib/export/schema";
import { referenceAnalysis } from "./fixture";

const now = new Date("2026-01-02T03:04:05.678Z");
const stored = { ...referenceAnalysis("b"), session_id: "s-1" };
const exp = buildSessionExport(stored, { now });

function parse(csv: string): Record<string, string>[] {
  const result = Papa.parse<Record<string, string>>(csv, { header: true, skipEmptyLines: true });
  expect(result.errors).toEqual([]);
  return result.data;
}

/** Every scalar leaf (number, string, boolean, null) of an object, by dotted path; lists skipped. */
function scalars(value: unknown, path = "", out: Record<string, unknown> = {}): Record<string, unknown> {
  if (Array.isArray(value)) return out;
  if (value !== null && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) scalars(v, path ? `${path}.${k}` : k, out);
  } else out[path] = value;
  return out;
}

describe("one-row session CSV", () => {
  const csv = renderSessionCsv(exp);
  const header = csv.split("\n")[0].split(",");

  it("orders columns as docs/export.md: metadata, session_*, performance_*, left/right_muscle_*, config_*, processing_*, session_param_*, data_*, emg_ch<N>_*", () => {
    expect(header.slice(0, 3)).toEqual(["export_timestamp", "export_version", "session_id"]);
    const groups = [
      /^session_(?!param_)/,
      /^performance_/,
      /^left_muscle_/,
      /^right_muscle_/,
      /^config_/,
      /^processing_/,
      /^session_param_/,
      /^data_/,
      /^quality_(status|codes)$/,
      /^emg_ch1_/,
      /^emg_ch2_/,
      /^export_(generator|errors)$/,
    ];
    const groupOf = (name: string) => groups.findIndex((g) => g.test(name));
    const sequence = header.slice(3).map(groupOf);
    expect(sequence).not.toContain(-1);
    expect(sequence).toEqual([...sequence].sort((a, b) => a - b));
    for (const name of [
      "config_weight_compliance",
      "config_sub_weight_completion",
      "config_rpe_optimal_score",
      "config_rpe_poor_score",
      "data_has_rpe",
      "session_param_rpe_post_session",
      "processing_version",
      "processing_sampling_rate_hz",
      "left_muscle_overall_compliance",
      "emg_ch1_mvc_value",
      "emg_ch2_fatigue_index_fi_nsm5",
      "session_code",
      "session_patient_code",
      "session_game_level",
    ]) {
      expect(header).toContain(name);
    }
    expect(new Set(header).size).toBe(header.length);
  });

  it("is UTF-8 text without BOM, \\n line ends, one header and one row", () => {
    expect(csv.charCodeAt(0)).not.toBe(0xfeff);
    expect(csv).not.toContain("\r\n");
    expect(csv.endsWith("\n")).toBe(true);
    expect(csv.split("\n").filter(Boolean)).toHaveLength(2);
  });

  it("writes numbers in full precision, booleans as true/false, null as an empty cell", () => {
    const row = parse(csv)[0];
    // Shortest round-trip text of a float64: parsing it gives back the identical double.
    expect(row.emg_ch1_fatigue_index_fi_nsm5).toBe("2.0155493702718505e-13");
    expect(Number(row.performance_overall_score)).toBe(exp.performance_scores?.overall_score);
    expect(row.performance_bfr_compliant).toBe("true");
    expect(row.session_param_rpe_pre_session).toBe("");
    expect(csv.split("\n")[1]).toContain(",true,");
  });

  it("parity: parsing the row back and un-flattening gives exactly the JSON's scalar values", () => {
    const back = unflattenCsvRow(parse(csv)[0]);
    const json = JSON.parse(JSON.stringify(exp)) as SessionExport;
    expect(scalars(back)).toEqual(scalars(json));
    // Lists in the row: RPE range values and warning codes.
    expect((back.scoring_configuration as SessionExport["scoring_configuration"])?.rpe_mapping_formatted.ranges.poor.values).toEqual([
      0, 1, 9, 10,
    ]);
  });

  it("has quality_status and quality_codes right after the data_* columns: the status, the distinct codes sorted", () => {
    const i = header.indexOf("quality_status");
    expect(header[i - 1]).toMatch(/^data_/);
    expect(header[i + 1]).toBe("quality_codes");
    expect(header[i + 2]).toMatch(/^emg_ch1_/);
    const row = parse(csv)[0];
    // The fixture's four findings: line_noise twice (CH1, CH2), clipping, left_right_unverified.
    expect(row.quality_status).toBe(exp.data_quality?.status);
    expect(row.quality_codes).toBe("clipping;left_right_unverified;line_noise");
    const back = unflattenCsvRow(row) as { data_quality: { status: string; findings: { code: string }[] } };
    expect(back.data_quality.status).toBe("review");
    expect(back.data_quality.findings.map((f) => f.code)).toEqual([...new Set(exp.data_quality?.findings.map((f) => f.code))].sort());
  });

  it("a session stored before quality checks has empty quality cells, a null data_quality and says why in errors", () => {
    const old = buildSessionExport({ ...stored, data_quality: null }, { now });
    expect(old.data_quality).toBeNull();
    expect(old.errors).toEqual([
      { section: "data_quality", message: expect.stringContaining("analysed before quality checks existed") as string },
    ]);
    const row = parse(renderSessionCsv(old))[0];
    expect([row.quality_status, row.quality_codes]).toEqual(["", ""]);
    expect(unflattenCsvRow(row).data_quality).toBeNull();
  });

  it("parity holds with nulls, warnings, a rejected channel and errors", () => {
    const source = structuredClone(stored);
    source.channels.CH2 = {
      ...source.channels.CH2,
      rms: null,
      error: { code: "non_finite_samples", message: "CH2 has NaN at sample 12" },
      warnings: [
        { code: "short_recording", message: "x" },
        { code: "flat_signal", message: "y" },
      ],
    };
    const odd = buildSessionExport({ ...source, processing_parameters: undefined }, { now });
    const back = unflattenCsvRow(parse(renderSessionCsv(odd))[0]);
    expect(scalars(back)).toEqual(
      scalars(
        Object.assign(JSON.parse(JSON.stringify(odd)) as object, {
          // a null section renders as empty cells, which read back as a section of nulls
          processing_parameters: Object.fromEntries(Object.keys(exp.processing_parameters ?? {}).map((k) => [k, null])),
        }),
      ),
    );
    expect((back.channels as Record<string, { warnings: unknown }>).CH2.warnings).toEqual([
      { code: "short_recording" },
      { code: "flat_signal" },
    ]);
    expect(back.errors).toEqual(odd.errors);
  });

  it("neutralises formula injection in text cells only: numbers such as -0.5 stay numbers (-5e-01)", () => {
    const evil = structuredClone(stored);
    evil.session.therapist = '=HYPERLINK("http://x")';
    evil.session.session_code = "+1";
    evil.session.patient_code = "-P";
    evil.session.source_filename = "@SUM(A1)";
    evil.session.processing_status = "\tx";
    evil.session.file_sha256 = "\rx";
    evil.session.game.name = "'=already";
    evil.processing_parameters.threshold_factor = -0.5;
    const e = buildSessionExport(evil, { now });
    const row = parse(renderSessionCsv(e))[0];
    expect(row.session_therapist).toBe('\'=HYPERLINK("http://x")');
    expect(row.session_code).toBe("'+1");
    expect(row.session_patient_code).toBe("'-P");
    expect(row.session_source_filename).toBe("'@SUM(A1)");
    expect(row.session_processing_status).toBe("'\tx");
    expect(row.session_file_sha256).toBe("'\rx");
    expect(row.session_game_name).toBe("''=already");
    expect(row.processing_threshold_factor).toBe("-5e-01");
    expect(renderSessionCsv(e)).toContain(",-5e-01,");
    const back = unflattenCsvRow(row) as { session: { therapist: string; game: { name: string } } };
    expect(back.session.therapist).toBe(evil.session.therapist);
    expect(back.session.game.name).toBe("'=already");
    for (const t of ["a", "'a", "''", "=", "'=", "''-x", "-"]) expect(unguardFormula(guardFormula(t))).toBe(t);
  });

  it("quotes per RFC 4180: commas, quotes and newlines survive", () => {
    const e = buildSessionExport({ ...stored, session: { ...stored.session, therapist: 'Dr. "Ann", PT\nline 2' } }, { now });
    expect(parse(renderSessionCsv(e))[0].session_therapist).toBe('Dr. "Ann", PT\nline 2');
  });

  it("gives the minimal export its own columns (metadata, performance_*, config_*)", () => {
    const minimal = buildSessionExport(stored, { now, enhanced: false });
    const row = parse(renderSessionCsv(minimal))[0];
    expect(Object.keys(row).every((c) => /^(export_|session_id$|performance_|config_)/.test(c))).toBe(true);
    expect(Number(row.performance_overall_score)).toBe(minimal.performance_scores?.overall_score);
    expect(scalars(unflattenCsvRow(row))).toEqual(scalars(JSON.parse(JSON.stringify(minimal))));
  });
});

describe("contractions CSV", () => {
  it("has session_id, channel, index first and equals the JSON's list", () => {
    const rows = parse(renderContractionsCsv(exp));
    expect(Object.keys(rows[0]).slice(0, 3)).toEqual(["session_id", "channel", "index"]);
    expect(rows).toHaveLength(exp.contractions?.length ?? -1);
    const typed = rows.map(({ session_id, ...c }) => {
      expect(session_id).toBe("s-1");
      return Object.fromEntries(
        Object.entries(c).map(([k, v]) => [
          k,
          v === "" ? null : v === "true" ? true : v === "false" ? false : /^(channel)$/.test(k) ? v : Number(v),
        ]),
      );
    });
    expect(typed).toEqual(exp.contractions);
  });
});

describe("batch CSV", () => {
  it("streams the header once and one row per session with the same columns as the one-row CSV", async () => {
    const exports = ["a", "b", "c"].map((id) => buildSessionExport({ ...stored, session_id: id }, { now }));
    async function* source() {
      for (const exp of exports) {
        await Promise.resolve(); // each row arrives in a later microtask, as from a database cursor
        yield exp;
      }
    }
    const chunks: string[] = [];
    for await (const chunk of renderBatchCsv(source())) chunks.push(chunk);
    expect(chunks).toHaveLength(4);
    expect(chunks[0]).toBe(renderSessionCsv(exports[0]).split("\n")[0] + "\n");
    const rows = parse(chunks.join(""));
    expect(rows.map((r) => r.session_id)).toEqual(["a", "b", "c"]);
    expect(rows[1]).toEqual(parse(renderSessionCsv(exports[1]))[0]);
  });

  it("writes the header for zero sessions and names channels that do not fit the slots", async () => {
    const chunks: string[] = [];
    for await (const chunk of renderBatchCsv([])) chunks.push(chunk);
    expect(chunks).toEqual([
      exportColumns()
        .map((c) => c.name)
        .join(",") + "\n",
    ]);
    const three = buildSessionExport({ ...stored, channels: { ...stored.channels, CH3: stored.channels.CH1 } }, { now });
    expect(toCsvRow(three, { channelSlots: 2 }).export_errors).toBe("channels: channels CH3 are not in this CSV (it has 2 channel slots)");
    expect(toCsvRow(three).emg_ch3_channel_id).toBe("CH3");
  });
});
