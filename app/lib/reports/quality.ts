/**
 * The export's `data_quality` section (docs/export.md; added by the recording-quality work,
 * issue 12): `{ status, findings: [{ code, severity, channel, message, value, limit }] }`. Exports
 * without it (export_version 2.0.0) simply have no quality block in the reports; a malformed one
 * is shown as far as it can be read.
 */
export interface QualityFinding {
  code: string;
  severity: string;
  channel: string | null;
  message: string;
  value: number | null;
  limit: number | null;
}

export interface DataQuality {
  status: string;
  findings: QualityFinding[];
}

const text = (v: unknown): string => (typeof v === "string" ? v : typeof v === "number" || typeof v === "boolean" ? String(v) : "");
const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);

/** The export's data-quality section, or null when it has none. */
export function dataQualityOf(exp: object): DataQuality | null {
  const section = (exp as { data_quality?: unknown }).data_quality;
  if (!section || typeof section !== "object") return null;
  const { status, findings } = section as { status?: unknown; findings?: unknown };
  return {
    status: text(status),
    findings: (Array.isArray(findings) ? findings : [])
      .filter((f): f is Record<string, unknown> => !!f && typeof f === "object")
      .map((f) => ({
        code: text(f.code),
        severity: text(f.severity),
        channel: typeof f.channel === "string" ? f.channel : null,
        message: text(f.message),
        value: num(f.value),
        limit: num(f.limit),
      })),
  };
}
