/**
 * The export's `data_quality` section (docs/quality.md): the session's quality status and the
 * findings behind it — what to check before trusting the numbers.
 */
import { z } from "zod";

export const qualityStatusSchema = z.enum(["good", "review", "unusable"]);

export const qualityFindingSchema = z.object({
  code: z.string(),
  severity: z.enum(["info", "warning", "critical"]),
  channel: z.string().nullable(),
  message: z.string(),
  value: z.number().nullable(),
  limit: z.number().nullable(),
});

export const dataQualitySchema = z.object({
  status: qualityStatusSchema,
  findings: z.array(qualityFindingSchema),
});

export type DataQualityStatus = z.infer<typeof qualityStatusSchema>;
export type DataQualityFinding = z.infer<typeof qualityFindingSchema>;
export type DataQuality = z.infer<typeof dataQualitySchema>;
