/** Assertions shared by the repository tests: a stored session gives back what was analysed. */
import { expect } from "vitest";
import type { SessionAnalysis } from "~/lib/analysis/types";
import type { StoredSession } from "~/lib/server/repositories/sessions/types.server";

/**
 * Every export section, the C3D metadata (as JSON: it is stored as jsonb), the warnings and the
 * envelopes (stored as double precision[]) come back exactly — not within a tolerance.
 */
export function expectSameSections(stored: StoredSession, analysis: SessionAnalysis) {
  expect(stored.performance_scores).toEqual(analysis.performance_scores);
  expect(stored.compliance_breakdown).toEqual(analysis.compliance_breakdown);
  expect(stored.scoring_configuration).toEqual(analysis.scoring_configuration);
  expect(stored.processing_parameters).toEqual(analysis.processing_parameters);
  expect(stored.session_parameters).toEqual(analysis.session_parameters);
  expect(stored.data_completeness).toEqual(analysis.data_completeness);
  expect(stored.data_quality).toEqual(analysis.data_quality);
  expect(stored.channels).toEqual(analysis.channels);
  expect(Object.keys(stored.channels)).toEqual(Object.keys(analysis.channels));
  expect(stored.contractions).toEqual(analysis.contractions);
  expect(stored.c3d_metadata).toEqual(JSON.parse(JSON.stringify(analysis.c3d_metadata)));
  expect(stored.warnings).toEqual(analysis.warnings);
  expect(Object.keys(stored.envelopes)).toEqual(Object.keys(analysis.envelopes));
  for (const [id, envelope] of Object.entries(analysis.envelopes)) {
    expect(stored.envelopes[id].times_s).toEqual(Array.from(envelope.times_s));
    expect(stored.envelopes[id].values).toEqual(Array.from(envelope.values));
  }
}
