/**
 * The therapist pages' pure parts: time display, number formatting, patient choice, how the
 * progress uploader reads errors, the plot's envelope rounding, and the review rendered from an
 * export (complete, and with sections the export could not build).
 */
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { formatTimestamp } from "~/components/LocalTime";
import { TrendPlot } from "~/components/TrendPlot";
import { formatRate, formatScore, formatVolts, symmetryBandOf } from "~/components/format";
import { SessionReview } from "~/components/session/SessionReview";
import { errorsFromDocument } from "~/components/upload/ProgressForm";
import { buildSessionExport } from "~/lib/export";
import type { SessionExport } from "~/lib/export/schema";
import { plotEnvelopes } from "~/components/session/plot-envelopes";
import { choosePatient } from "~/routes/sessions.new/upload.server";
import { buildAnalysis, fakeC3dBytes } from "../../support/analysis";

describe("formatTimestamp", () => {
  it("shows a zone-less recorded_at as the wall clock it is, whatever the viewer's zone", () => {
    for (const timeZone of ["UTC", "America/New_York", "Asia/Tokyo"]) {
      expect(formatTimestamp("2023-03-21T17:23:09", { locale: "en-GB", timeZone })).toBe(
        "21 Mar 2023, 17:23:09 (local time of the recording)",
      );
    }
  });
  it("converts an instant with a zone into the viewer's zone", () => {
    // 21 March 2023 is before the EU switch to summer time (26 March): Brussels is UTC+1.
    expect(formatTimestamp("2023-03-21T17:23:09Z", { locale: "en-GB", timeZone: "Europe/Brussels" })).toBe(
      "21 Mar 2023, 18:23:09 (Europe/Brussels)",
    );
    expect(formatTimestamp("2023-03-21T17:23:09Z", { locale: "en-GB", timeZone: "Europe/Brussels", dateOnly: true })).toBe("21 Mar 2023");
  });
  it("gives up (null) on text that is not a time", () => {
    expect(formatTimestamp("yesterday")).toBeNull();
  });
});

describe("format", () => {
  it("formats scores, rates and EMG volts, with a dash for a missing value", () => {
    expect(formatScore(67.83541355408967)).toBe("67.8");
    expect(formatScore(null)).toBe("—");
    expect(formatRate(0.9166666666666666)).toBe("91.7 %");
    expect(formatVolts(0.0003395277176856931)).toBe("339.5 µV");
    expect(formatVolts(0.0123)).toBe("12.300 mV");
  });
  it("takes the symmetry band from the scoring lib: > 90 normal, 90 itself acceptable", () => {
    expect(symmetryBandOf(90.01)).toBe("normal");
    expect(symmetryBandOf(90)).toBe("acceptable");
    expect(symmetryBandOf(80)).toBe("acceptable");
    expect(symmetryBandOf(79.99)).toBe("moderate_asymmetry");
    expect(symmetryBandOf(69.99)).toBe("review");
    expect(symmetryBandOf(null)).toBeNull();
  });
});

describe("choosePatient", () => {
  it("takes the picked patient or the typed code (upper-cased), not both, not neither", () => {
    expect(choosePatient({ patient_code: "P001" })).toEqual({ code: "P001" });
    expect(choosePatient({ new_patient_code: "p014" })).toEqual({ code: "P014" });
    expect(choosePatient({})).toEqual({ errors: { patient_code: "Choose the patient, or type a new patient code." } });
    expect(choosePatient({ patient_code: "P001", new_patient_code: "P002" })).toHaveProperty("errors.new_patient_code");
    expect(choosePatient({ new_patient_code: "P01" })).toEqual({
      errors: { new_patient_code: '"P01" is not a patient code: P followed by three to nine digits, e.g. P001.' },
    });
  });
});

describe("errorsFromDocument", () => {
  const doc = (errors: [string, string][], errorPage: string | null = null) =>
    ({
      querySelectorAll: () => errors.map(([field, text]) => ({ dataset: { fieldError: field }, textContent: ` ${text} ` })),
      querySelector: (selector: string) => (selector === ".error-page p" && errorPage ? { textContent: errorPage } : null),
    }) as unknown as Document;
  it("reads each field's message from the server's answer", () => {
    expect(
      errorsFromDocument(
        doc([
          ["file", "The file is 1.2 MB; the limit is 1 MB."],
          ["rpe_post_session", "must be between 0 and 10"],
        ]),
        413,
      ),
    ).toEqual({
      file: "The file is 1.2 MB; the limit is 1 MB.",
      rpe_post_session: "must be between 0 and 10",
    });
  });
  it("falls back to a form-level message naming the status when the answer carries none", () => {
    expect(errorsFromDocument(null, 502).form).toMatch(/^The upload failed \(HTTP 502\)/);
    expect(errorsFromDocument(doc([], "Your role (researcher) may not upload."), 403)).toEqual({
      form: "The upload was refused (HTTP 403): Your role (researcher) may not upload.",
    });
  });
});

describe("plotEnvelopes", () => {
  it("keeps 4 significant digits and millisecond times (relative error ≤ 5e-4)", () => {
    const values = [0.0003395277176856931, 1.5295909432089563e-5, 0.12345678];
    const times = [0.049494949494949494, 75.03030303030303, 1.0005];
    const out = plotEnvelopes({ CH1: { times_s: Float64Array.from(times), values: Float64Array.from(values) } }).CH1;
    expect(out.values).toEqual([0.0003395, 0.0000153, 0.1235]);
    out.values.forEach((v, i) => expect(Math.abs(v - values[i]) / values[i]).toBeLessThanOrEqual(5e-4));
    expect(out.times_s).toEqual([0.049, 75.03, 1.001]);
  });
});

describe("SessionReview", () => {
  const exp = buildSessionExport({ ...buildAnalysis(fakeC3dBytes()), session_id: "s1" }, { now: new Date("2026-01-01T00:00:00Z") });
  const render = (e: SessionExport) => renderToStaticMarkup(createElement(SessionReview, { exp: e, envelopes: {}, downloads: null }));

  it("renders the worked example of docs/scoring.md: P 93.27 target achieved, symmetry 98.84 normal", () => {
    const html = render(exp);
    expect(html).toMatch(/data-testid="overall-score" data-value="93\.2\d+">93\.3</);
    expect(html).toContain(">Target achieved<");
    expect(html).toMatch(/data-testid="symmetry-score" data-value="98\.8\d+">98\.8</);
    expect(html).toContain(">Normal<");
    expect(html).toContain("RPE after session 6 (Borg CR-10)");
    expect(html).toContain("11 / 12"); // left: 11 contractions of 12 expected
    // Server render of a recorded time: the ISO value, replaced in the browser.
    expect(html).toContain(
      '<time dateTime="2023-03-21T17:23:09" title="2023-03-21T17:23:09" data-local="false">2023-03-21T17:23:09</time>',
    );
  });

  it("reports sections the export could not build instead of failing", () => {
    const broken: SessionExport = {
      ...exp,
      performance_scores: null,
      compliance_breakdown: null,
      channels: null,
      contractions: null,
      errors: [{ section: "performance_scores", message: "performance_scores is not available for this session" }],
    };
    const html = render(broken);
    expect(html).toContain("The scores could not be built for this session");
    expect(html).toContain("The per-leg breakdown could not be built");
    expect(html).toContain("Export section performance_scores: performance_scores is not available for this session");
  });
});

const NO_LEG = { mvc: null, mpf: null, mdf: null, fatigue: null };
const NO_LEGS = { left: NO_LEG, right: NO_LEG };

describe("TrendPlot", () => {
  it("plots dated sessions in time order and leaves undated ones out", () => {
    const html = renderToStaticMarkup(
      createElement(TrendPlot, {
        describedBy: "t",
        points: [
          { ...NO_LEGS, sessionId: "b", sessionCode: "S-b", recordedAt: "2023-03-22T10:00:00", overall: 80, compliance: 70, symmetry: 90 },
          {
            ...NO_LEGS,
            sessionId: "a",
            sessionCode: "S-a",
            recordedAt: "2023-03-21T10:00:00",
            overall: 60,
            compliance: null,
            symmetry: 100,
          },
          { ...NO_LEGS, sessionId: "c", sessionCode: "S-c", recordedAt: null, overall: 10, compliance: 10, symmetry: 10 },
        ],
      }),
    );
    const series = (key: string) => new RegExp(`data-series="${key}"><polyline points="([^"]*)"`).exec(html)?.[1].split(" ") ?? [];
    expect(series("overall")).toHaveLength(2);
    expect(series("compliance")).toHaveLength(1);
    // Plot area x 64…704 (720 wide, 64 left for the tick labels, 16 right); y = 14 + (1 − v/100)·210:
    // 60 → 98, 80 → 56; the earlier session is on the left.
    expect(series("overall")).toEqual(["64.0,98.0", "704.0,56.0"]);
    expect(html).toContain(">2023-03-21<");
    expect(html).toContain(">2023-03-22<");
  });
});
