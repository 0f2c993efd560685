/**
 * GET /api/export/patient/:code?format=pdf[&from&to] — a patient's progress report (issue 15 §2).
 * Who may: like the patient page — a therapist their own patients, researchers every patient
 * (pseudonymised: their exports carry no therapist), admins every patient; anyone else 404 as for
 * a patient that does not exist. The report renders the same canonical exports as the batch API.
 */
import { APP_GENERATOR, isFullExport } from "~/lib/export";
import { patientReportFilename, renderPatientReportPdf } from "~/lib/reports";
import { EXPORT_VERSION, type SessionExport } from "~/lib/export/schema";
import type { Caller } from "~/lib/server/auth/caller.server";
import { exportError, exportSessions, isEnhancedExport } from "~/lib/server/export.server";
import { recordExport } from "~/lib/server/repositories/export-history.server";
import { getPatient } from "~/lib/server/repositories/patients.server";
import { describeDateRangeProblem, parseDateRange } from "~/lib/policy";
import { reportResponse } from "~/lib/server/reports.server";

export async function patientReportResponse(
  caller: Caller & { tokenId?: string | null },
  code: string,
  query: URLSearchParams,
): Promise<Response> {
  const format = query.get("format") ?? "pdf";
  if (format !== "pdf")
    return exportError(
      400,
      `format must be pdf (the patient's sessions as data: /api/export/sessions?patient=${code}), got "${format}"`,
      "format",
    );
  // The batch route's grammar: the repository reads the same bounds (docs/export-api.md).
  const from = query.get("from") || undefined;
  const to = query.get("to") || undefined;
  const range = parseDateRange({ from, to });
  if (!range.ok) {
    const { field, message } = describeDateRangeProblem(range.problems[0]);
    return exportError(400, message, field);
  }
  if (!isEnhancedExport())
    return exportError(400, "format=pdf renders the full export, which is not exported while USE_ENHANCED_EXPORT is off", "format");
  const patient = await getPatient(caller, code);
  if (!patient) return exportError(404, `patient ${code} was not found`, "code");

  const exports: SessionExport[] = [];
  // A patient has tens of sessions, not thousands: the report holds them (without contraction lists).
  for await (const exp of exportSessions(caller, { patientCode: patient.code, from, to }, { csvRows: true })) {
    if (isFullExport(exp)) exports.push(exp);
  }
  exports.reverse(); // the repository reads newest first; trends run oldest first
  const now = new Date();
  const bytes = await renderPatientReportPdf({
    patientCode: patient.code,
    from,
    to,
    exports,
    now,
    generator: APP_GENERATOR,
    exportVersion: EXPORT_VERSION,
  });
  const sessionIds = exports.map((e) => e.export_metadata.session_id).filter((id): id is string => id !== null);
  await recordExport(caller, { kind: "patient", format: "pdf", sessionIds });
  return reportResponse(bytes, "pdf", patientReportFilename(patient.code));
}
