/** The recorded session as the export states it: identity, file, game (docs/export.md). */
import { z } from "zod";

export const gameSchema = z.object({
  name: z.string().nullable(),
  level: z.number().nullable(),
  level_name: z.string().nullable(),
  points: z.number().nullable(),
  version: z.string().nullable(),
  system: z.string().nullable(),
});

export const sessionSchema = z.object({
  session_code: z.string().nullable(),
  patient_code: z.string().nullable(),
  therapist: z.string().nullable(),
  recorded_at: z.string().nullable(),
  source_filename: z.string().nullable(),
  file_sha256: z.string().nullable(),
  file_size_bytes: z.number().int().nullable(),
  processing_status: z.string().nullable(),
  game: gameSchema,
});

export const dataCompletenessSchema = z.object({
  has_emg_data: z.boolean(),
  has_rpe: z.boolean(),
  has_game_data: z.boolean(),
  has_bfr_data: z.boolean(),
  rpe_source: z.enum(["upload", "therapist_edit"]).nullable(),
});

export type GameInfo = z.infer<typeof gameSchema>;
export type SessionInfo = z.infer<typeof sessionSchema>;
export type DataCompleteness = z.infer<typeof dataCompletenessSchema>;
