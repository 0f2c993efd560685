import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { APP_GENERATOR, buildSessionExport } from "~/lib/export";
import { EXPORT_VERSION, minimalExportSchema, sessionExportSchema } from "~/lib/export/schema";
import { DEFAULT_SCORING, loadReference, referenceAnalysis } from "./fixture";
import { checkEveryField } from "./spec-fields";

const now = new Date("2026-01-02T03:04:05.678Z");

describe("buildSessionExport from an upload (SessionAnalysis)", () => {
  const analysis = referenceAnalysis("b");
  const exp = buildSessionExport(analysis, { now });

  it("validates against the contract and has every section and field of docs/export.md", () => {
    expect(sessionExportSchema.parse(exp)).toEqual(exp);
    checkEveryField(exp);
    expect(exp.errors).toBeUndefined();
  });

  it("stamps the metadata: UTC timestamp, version 2.0.0, null session id, generator from package.json", () => {
    const pkg = JSON.parse(readFileSync("package.json", "utf8")) as { name: string; version: string };
    expect(exp.export_metadata).toEqual({
      export_timestamp: "2026-01-02T03:04:05.678Z",
      export_version: "2.0.0",
      session_id: null,
      generator: `${pkg.name}/${pkg.version}`,
    });
    expect(APP_GENERATOR).toBe(`${pkg.name}/${pkg.version}`);
    expect(EXPORT_VERSION).toBe("2.0.0");
  });

  it("carries the reference values unchanged (scores, breakdown, contractions)", () => {
    const ref = loadReference();
    expect(exp.performance_scores).toEqual(ref.performance_scores);
    expect(exp.compliance_breakdown).toEqual(ref.compliance_breakdown);
    expect(exp.contractions).toEqual(ref.contractions);
    expect(exp.processing_parameters).toEqual(ref.processing_parameters);
    expect(exp.scoring_configuration).toEqual(DEFAULT_SCORING);
  });

  it("adds signals only when asked, as plain arrays that JSON can carry", () => {
    expect(exp.signals).toBeUndefined();
    const withSignals = buildSessionExport(analysis, { now, includeSignals: true });
    expect(withSignals.signals?.CH1.envelope).toEqual({ times_s: [0.05, 0.1, 0.15], values: [1e-5, 2.5e-4, 3e-5] });
    expect(JSON.parse(JSON.stringify(withSignals)).signals.CH2.envelope.values).toEqual([1e-5, 2.5e-4, 3e-5]);
    expect(withSignals.errors).toBeUndefined();
  });

  it("decimates raw and band-passed samples (every d-th sample) and says when they are not kept", () => {
    const raw = Float64Array.from({ length: 10 }, (_, i) => i);
    const source = { ...analysis, raw_signals: { CH1: { raw, bandpassed: raw }, CH2: { raw } } };
    const out = buildSessionExport(source, { now, includeSignals: { raw: true, bandpassed: true, decimation: 3 } });
    expect(out.signals?.CH1.raw).toEqual([0, 3, 6, 9]);
    expect(out.signals?.CH1.decimation).toBe(3);
    expect(out.errors).toEqual([{ section: "signals.CH2.bandpassed", message: expect.stringContaining("not kept") }]);
    expect(() => buildSessionExport(source, { now, includeSignals: { raw: true, decimation: 0 } })).toThrow(RangeError);
  });

  it("adds debug (C3D metadata, file warnings) only when asked", () => {
    expect(exp.debug).toBeUndefined();
    const out = buildSessionExport(analysis, { now, includeDebug: true });
    expect(out.debug).toEqual({ c3d_metadata: analysis.c3d_metadata, warnings: [] });
  });
});

describe("buildSessionExport from a stored session", () => {
  const stored = {
    ...referenceAnalysis("a"),
    session_id: "7f0c2a44-8a57-4a53-9d4c-2a3b8f1e0c11",
    session: { ...referenceAnalysis("a").session, session_code: "S-001", patient_code: "P-042", therapist: "T-7" },
  };

  it("has every section and field, with the stored id", () => {
    const exp = buildSessionExport(stored, { now });
    sessionExportSchema.parse(exp);
    checkEveryField(exp);
    expect(exp.export_metadata.session_id).toBe(stored.session_id);
    expect(exp.session?.patient_code).toBe("P-042");
  });

  it("keeps what the session lacks null (setting a: no RPE, BFR, game max) — no invented defaults", () => {
    const exp = buildSessionExport(stored, { now });
    expect(exp.performance_scores?.effort_score).toBeNull();
    expect(exp.performance_scores?.bfr_compliant).toBeNull();
    expect(exp.performance_scores?.game_score).toBeNull();
    expect(exp.session_parameters?.rpe_post_session).toBeNull();
    expect(exp.data_completeness?.has_rpe).toBe(false);
  });

  it("answers with what it has plus errors when sections are missing or malformed", () => {
    const broken = {
      ...stored,
      processing_parameters: undefined,
      scoring_configuration: { name: 3 },
      contractions: [stored.contractions[0], { channel: "CH1" }],
    };
    const exp = buildSessionExport(broken, { now });
    sessionExportSchema.parse(exp);
    expect(exp.processing_parameters).toBeNull();
    expect(exp.scoring_configuration).toBeNull();
    expect(exp.contractions).toEqual([stored.contractions[0]]);
    expect(exp.performance_scores).toEqual(stored.performance_scores);
    expect(exp.errors?.map((e) => e.section)).toEqual(["scoring_configuration", "processing_parameters", "contractions[1]"]);
    expect(exp.errors?.[1].message).toBe("processing_parameters is not available for this session");
    expect(exp.errors?.[0].message).toMatch(/^scoring_configuration is malformed: /);
  });

  it("with USE_ENHANCED_EXPORT off gives only export_metadata, performance_scores and scoring_configuration", () => {
    const exp = buildSessionExport(stored, { now, enhanced: false, includeSignals: true, includeDebug: true });
    expect(Object.keys(exp)).toEqual(["export_metadata", "performance_scores", "scoring_configuration"]);
    expect(minimalExportSchema.strict().parse(exp)).toEqual(exp);
    expect(exp.performance_scores).toEqual(stored.performance_scores);
  });

  it("rejects an invalid clock instead of writing a bad timestamp", () => {
    expect(() => buildSessionExport(stored, { now: new Date("nope") })).toThrow(RangeError);
  });
});
