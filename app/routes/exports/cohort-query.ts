/**
 * The cohort export page's query, browser-safe (the form's choices come from here too): zod
 * checks each value on its field; `batchHref` is the batch export's address for a valid query.
 */
import { z } from "zod";
import { isPatientCode, PATIENT_CODE_RULE } from "~/lib/policy";

export const QUALITY_STATUSES = ["good", "review", "unusable"] as const;
export const ARCHIVED_CHOICES = ["exclude", "include", "only"] as const;
export const COHORT_FORMATS = ["csv", "json", "xlsx"] as const;

const optionalText = z
  .string()
  .trim()
  .optional()
  .transform((v) => v ?? "");

export const cohortQuerySchema = z
  .object({
    patient: optionalText.refine((v) => v === "" || isPatientCode(v), {
      message: `is not a patient code (${PATIENT_CODE_RULE}, e.g. P001)`,
    }),
    from: optionalText,
    to: optionalText,
    quality: z.enum(["", ...QUALITY_STATUSES], { message: `must be one of ${QUALITY_STATUSES.join(", ")}` }).default(""),
    archived: z.enum(ARCHIVED_CHOICES, { message: `must be one of ${ARCHIVED_CHOICES.join(", ")}` }).default("exclude"),
    format: z.enum(COHORT_FORMATS, { message: `must be one of ${COHORT_FORMATS.join(", ")}` }).default("csv"),
    table: z.enum(["", "contractions"], { message: 'must be "contractions" or empty' }).default(""),
  })
  .superRefine((q, ctx) => {
    if (q.table === "contractions" && q.format !== "csv") {
      ctx.addIssue({
        code: "custom",
        path: ["table"],
        message: "is a CSV table: choose CSV (JSON and xlsx already hold the contractions)",
      });
    }
  });

export type CohortQuery = z.infer<typeof cohortQuerySchema>;
export type CohortField = keyof CohortQuery;

export const DEFAULTS: CohortQuery = { patient: "", from: "", to: "", quality: "", archived: "exclude", format: "csv", table: "" };

/** The batch export's address for these filters: only the parameters that are set (archived=exclude is its default). */
export function batchHref(q: CohortQuery): string {
  const params = new URLSearchParams();
  if (q.patient) params.set("patient", q.patient);
  if (q.from) params.set("from", q.from);
  if (q.to) params.set("to", q.to);
  if (q.quality) params.set("quality", q.quality);
  if (q.archived !== "exclude") params.set("archived", q.archived);
  params.set("format", q.format);
  if (q.table) params.set("table", q.table);
  return `/api/export/sessions?${params.toString()}`;
}
