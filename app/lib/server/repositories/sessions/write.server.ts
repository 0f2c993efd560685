/**
 * Writing stored sessions: an analysed upload split over therapy_sessions (identity, jsonb
 * sections), channel_results (per-channel analytics + envelope), contractions and
 * performance_scores (scores + compliance breakdown), each write in ONE transaction; and the
 * correction of therapist inputs with the re-computed scores.
 */
import type { EnvelopeSeries } from "~/lib/analysis/types";
import type { ChannelResult, ComplianceBreakdown, Contraction, PerformanceScores, SessionParameters } from "~/lib/export/schema";
import type { Caller } from "~/lib/server/auth/caller.server";
import { pgConstraint, pgErrorCode } from "~/lib/server/db/errors.server";
import type { Queryable } from "~/lib/server/db/types.server";
import { ForbiddenError, ValidationError } from "~/lib/server/errors.server";
import { dbOf, type RepositoryOptions } from "~/lib/server/repositories/options.server";
import { assertCan } from "~/lib/server/auth/caller.server";
import { assertPatientCode, ensurePatient, patientAvailability, patientScope } from "~/lib/server/repositories/patients.server";
import { isUuid } from "~/lib/server/db/ids.server";
import {
  CHANNEL_JSON,
  CHANNEL_SCALARS,
  MUSCLE_FIELDS,
  SCORE_COLUMNS,
  SCORE_FIELDS,
  SIDES,
} from "~/lib/server/repositories/sessions/columns.server";
import { recordSessionEvent, scoredChanges } from "~/lib/server/repositories/sessions/history.server";
import { getSession } from "~/lib/server/repositories/sessions/read.server";
import { newSessionCode } from "~/lib/server/repositories/sessions/session-code.server";
import type {
  Rescored,
  StoreAnalysisInput,
  StoreAnalysisResult,
  StoredEnvelope,
  StoredSession,
} from "~/lib/server/repositories/sessions/types.server";
import { getStorage } from "~/lib/server/storage/connection.server";

/** jsonb parameter: serialised here and cast in SQL as $n::text::jsonb, which both drivers pass through unchanged. */
function json(value: unknown): string | null {
  return value === undefined || value === null ? null : JSON.stringify(value);
}

/** Turns a constraint violation into a 422 naming the rule; other errors pass through. */
function asValidationError(error: unknown): unknown {
  const code = pgErrorCode(error);
  if (code && ["23514", "23502", "22P02", "22003", "22007", "22008"].includes(code)) {
    return new ValidationError(`session rejected by the database: ${(error as Error).message}`, pgConstraint(error));
  }
  return error;
}

async function insertChannels(
  tx: Queryable,
  sessionId: string,
  channels: Record<string, ChannelResult>,
  envelopes: Record<string, EnvelopeSeries | StoredEnvelope>,
): Promise<void> {
  const columns = ["session_id", "channel_id", "position", ...CHANNEL_SCALARS, ...CHANNEL_JSON, "envelope_times_s", "envelope_values"];
  const placeholders = columns.map((column, i) =>
    (CHANNEL_JSON as readonly string[]).includes(column)
      ? `$${i + 1}::text::jsonb`
      : column.startsWith("envelope_")
        ? `$${i + 1}::float8[]`
        : `$${i + 1}`,
  );
  const sql = `insert into channel_results (${columns.join(", ")}) values (${placeholders.join(", ")})`;
  let position = 0;
  for (const [channelId, channel] of Object.entries(channels)) {
    const envelope = envelopes[channelId];
    await tx.query(sql, [
      sessionId,
      channelId,
      position++,
      ...CHANNEL_SCALARS.map((field) => channel[field]),
      json(channel.error),
      json(channel.warnings ?? []),
      envelope ? Array.from(envelope.times_s) : [],
      envelope ? Array.from(envelope.values) : [],
    ]);
  }
}

async function updateChannels(tx: Queryable, sessionId: string, channels: Record<string, ChannelResult>): Promise<void> {
  const sets = [
    ...CHANNEL_SCALARS.map((field, i) => `${field} = $${i + 3}`),
    ...CHANNEL_JSON.map((field, i) => `${field} = $${CHANNEL_SCALARS.length + i + 3}::text::jsonb`),
  ];
  for (const [channelId, channel] of Object.entries(channels)) {
    const result = await tx.query(`update channel_results set ${sets.join(", ")} where session_id = $1 and channel_id = $2`, [
      sessionId,
      channelId,
      ...CHANNEL_SCALARS.map((field) => channel[field]),
      json(channel.error),
      json(channel.warnings ?? []),
    ]);
    if (result.rowCount === 0) throw new ValidationError(`session has no channel ${channelId}`, "channels");
  }
}

async function insertContractions(tx: Queryable, sessionId: string, contractions: Contraction[]): Promise<void> {
  if (contractions.length === 0) return;
  // One statement for all contractions: unnest of parallel arrays.
  await tx.query(
    `insert into contractions (session_id, channel, index, start_ms, end_ms, duration_ms, peak_rms, mean_rms,
       percent_mvc, meets_intensity, meets_duration, is_good)
     select $1::uuid, * from unnest($2::text[], $3::int[], $4::float8[], $5::float8[], $6::float8[], $7::float8[],
       $8::float8[], $9::float8[], $10::bool[], $11::bool[], $12::bool[])`,
    [
      sessionId,
      contractions.map((c) => c.channel),
      contractions.map((c) => c.index),
      contractions.map((c) => c.start_ms),
      contractions.map((c) => c.end_ms),
      contractions.map((c) => c.duration_ms),
      contractions.map((c) => c.peak_rms),
      contractions.map((c) => c.mean_rms),
      contractions.map((c) => c.percent_mvc),
      contractions.map((c) => c.meets_intensity),
      contractions.map((c) => c.meets_duration),
      contractions.map((c) => c.is_good),
    ],
  );
}

async function upsertScores(tx: Queryable, sessionId: string, scores: PerformanceScores, breakdown: ComplianceBreakdown): Promise<void> {
  const values = [
    ...SCORE_FIELDS.map((field) => scores[field]),
    ...SIDES.flatMap((side) => MUSCLE_FIELDS.map((field) => breakdown[`${side}_muscle`][field])),
  ];
  const columns = ["session_id", ...SCORE_COLUMNS];
  await tx.query(
    `insert into performance_scores (${columns.join(", ")}) values (${columns.map((_, i) => `$${i + 1}`).join(", ")})
     on conflict (session_id) do update set ${SCORE_COLUMNS.map((c) => `${c} = excluded.${c}`).join(", ")}, updated_at = now()`,
    [sessionId, ...values],
  );
}

/**
 * The analysis columns of therapy_sessions in one order (c3d_metadata … warnings, data_quality), so
 * an upload and a re-processing write exactly the same fields.
 */
function analysisValues(analysis: StoreAnalysisInput["analysis"]): unknown[] {
  return [
    json(analysis.c3d_metadata ?? {}),
    analysis.session.processing_status ?? "completed",
    analysis.processing_parameters?.processing_version ?? "unknown",
    json(analysis.processing_parameters),
    json(analysis.session_parameters),
    json(analysis.scoring_configuration),
    json(analysis.data_completeness),
    json(analysis.session.game),
    json(analysis.warnings ?? []),
    analysis.data_quality ? json(analysis.data_quality) : null,
  ];
}

/**
 * Stores an analysed upload: the C3D bytes first (content-addressed), then session, channels with
 * envelopes, contractions and scores in ONE transaction. The same file for the same patient returns
 * the existing session with duplicate: true. A missing patient is created for the caller.
 */
export async function storeAnalysis(
  caller: Caller,
  input: StoreAnalysisInput,
  options: RepositoryOptions = {},
): Promise<StoreAnalysisResult> {
  assertCan(caller, "upload", "store sessions");
  const { analysis } = input;
  const storage = options.storage ?? (await getStorage());
  // Refused before a byte is stored: a session for another therapist's patient leaves no file.
  assertPatientCode(input.patientCode);
  if ((await patientAvailability(caller, input.patientCode, options)) === "taken") {
    throw new ForbiddenError(`patient ${input.patientCode} is treated by another therapist`);
  }
  const blob = await storage.put(input.bytes);
  if (analysis.session.file_sha256 && analysis.session.file_sha256 !== blob.sha256) {
    throw new ValidationError(
      `analysis.session.file_sha256 ${analysis.session.file_sha256} does not match the uploaded bytes (${blob.sha256})`,
      "file_sha256",
    );
  }
  const sourceFilename = input.sourceFilename ?? analysis.session.source_filename;
  if (!sourceFilename) throw new ValidationError("the session needs the uploaded file name", "source_filename");

  const db = await dbOf(options);
  try {
    return await db.transaction(async (tx) => {
      const patient = await ensurePatient(caller, input.patientCode, { db: tx });
      let inserted: { id: string; session_code: string } | undefined;
      // A retry only happens on a session_code collision (1 in 10^9 per day).
      for (let attempt = 0; attempt < 5 && !inserted; attempt++) {
        const result = await tx.query<{ id: string; session_code: string }>(
          `insert into therapy_sessions (session_code, patient_id, therapist_id, recorded_at, source_filename,
             file_sha256, file_size_bytes, c3d_metadata, processing_status, processing_version,
             processing_parameters, session_parameters, scoring_configuration, data_completeness, game, warnings,
             data_quality)
           values ($1, $2, $3, $4::timestamp, $5, $6, $7, $8::text::jsonb, $9, $10, $11::text::jsonb,
             $12::text::jsonb, $13::text::jsonb, $14::text::jsonb, $15::text::jsonb, $16::text::jsonb, $17::text::jsonb)
           on conflict do nothing
           returning id, session_code`,
          [
            newSessionCode(analysis.session.recorded_at),
            patient.id,
            caller.userId,
            analysis.session.recorded_at,
            sourceFilename,
            blob.sha256,
            blob.sizeBytes,
            ...analysisValues(analysis),
          ],
        );
        inserted = result.rows[0];
        if (!inserted) {
          // Nothing inserted: either this file is already stored for the patient (possibly by a
          // concurrent upload that just committed) or the random session code was taken.
          const existing = await tx.query<{ id: string; session_code: string }>(
            "select id, session_code from therapy_sessions where patient_id = $1 and file_sha256 = $2",
            [patient.id, blob.sha256],
          );
          if (existing.rows[0]) {
            return { sessionId: existing.rows[0].id, sessionCode: existing.rows[0].session_code, duplicate: true };
          }
        }
      }
      if (!inserted) throw new Error("could not allocate a unique session code");
      await insertChannels(tx, inserted.id, analysis.channels, analysis.envelopes ?? {});
      await insertContractions(tx, inserted.id, analysis.contractions);
      await upsertScores(tx, inserted.id, analysis.performance_scores, analysis.compliance_breakdown);
      await recordSessionEvent(tx, { sessionId: inserted.id, actor: caller, kind: "uploaded" });
      return { sessionId: inserted.id, sessionCode: inserted.session_code, duplicate: false };
    });
  } catch (error) {
    throw asValidationError(error);
  }
}

/** The scalar parts only: what a history diff needs. */
const LIGHT = { envelopes: false, c3dMetadata: false, contractions: false } as const;

/**
 * Stores new therapist inputs and the scores re-computed from them, in one transaction.
 * Returns the updated session, or null when it is missing or not visible.
 */
export async function updateSessionInputs(
  caller: Caller,
  id: string,
  inputs: SessionParameters,
  rescored: Rescored,
  options: RepositoryOptions = {},
): Promise<StoredSession | null> {
  assertCan(caller, "edit", "change sessions");
  if (!isUuid(id)) return null;
  const db = await dbOf(options);
  try {
    const found = await db.transaction(async (tx) => {
      const params: unknown[] = [id];
      const locked = await tx.query(
        `select s.id from therapy_sessions s join patients p on p.id = s.patient_id
         where s.id = $1::uuid and ${patientScope(caller, "p", params)} for update of s`,
        params,
      );
      if (locked.rows.length === 0) return false;
      const before = await getSession(caller, id, { db: tx, include: LIGHT });
      await tx.query(
        `update therapy_sessions set session_parameters = $2::text::jsonb, data_completeness = $3::text::jsonb,
           scoring_configuration = coalesce($4::text::jsonb, scoring_configuration), updated_at = now()
         where id = $1`,
        [id, json(inputs), json(rescored.data_completeness), json(rescored.scoring_configuration)],
      );
      if (rescored.channels) await updateChannels(tx, id, rescored.channels);
      if (rescored.contractions) {
        await tx.query("delete from contractions where session_id = $1", [id]);
        await insertContractions(tx, id, rescored.contractions);
      }
      await upsertScores(tx, id, rescored.performance_scores, rescored.compliance_breakdown);
      if (before) {
        const changes = scoredChanges(before, { session_parameters: inputs, performance_scores: rescored.performance_scores });
        await recordSessionEvent(tx, { sessionId: id, actor: caller, kind: "inputs_corrected", changes });
      }
      return true;
    });
    if (!found) return null;
  } catch (error) {
    throw asValidationError(error);
  }
  return getSession(caller, id, { db });
}

/**
 * Replaces the analysis of a stored session by a new one of the same kept file (re-processing:
 * other channels, parameters, scoring configuration or pipeline version): session sections,
 * channels with envelopes, contractions and scores in ONE transaction, with a `reprocessed` event
 * keeping every previous score. Identity (code, patient, therapist, file) stays. Returns the
 * updated session, or null when it is missing or not visible.
 */
export async function replaceAnalysis(
  caller: Caller,
  id: string,
  analysis: StoreAnalysisInput["analysis"],
  options: RepositoryOptions = {},
): Promise<StoredSession | null> {
  assertCan(caller, "edit", "re-process sessions");
  if (!isUuid(id)) return null;
  const db = await dbOf(options);
  try {
    const found = await db.transaction(async (tx) => {
      const params: unknown[] = [id];
      const locked = await tx.query<{ file_sha256: string }>(
        `select s.file_sha256 from therapy_sessions s join patients p on p.id = s.patient_id
         where s.id = $1::uuid and ${patientScope(caller, "p", params)} for update of s`,
        params,
      );
      if (!locked.rows[0]) return false;
      if (analysis.session.file_sha256 && analysis.session.file_sha256 !== locked.rows[0].file_sha256) {
        throw new ValidationError("the new analysis is not of the session's kept file", "file_sha256");
      }
      const before = await getSession(caller, id, { db: tx, include: LIGHT });
      await tx.query(
        `update therapy_sessions set c3d_metadata = $2::text::jsonb, processing_status = $3, processing_version = $4,
           processing_parameters = $5::text::jsonb, session_parameters = $6::text::jsonb, scoring_configuration = $7::text::jsonb,
           data_completeness = $8::text::jsonb, game = $9::text::jsonb, warnings = $10::text::jsonb,
           data_quality = $11::text::jsonb, updated_at = now()
         where id = $1`,
        [id, ...analysisValues(analysis)],
      );
      await tx.query("delete from contractions where session_id = $1", [id]);
      await tx.query("delete from channel_results where session_id = $1", [id]);
      await insertChannels(tx, id, analysis.channels, analysis.envelopes ?? {});
      await insertContractions(tx, id, analysis.contractions);
      await upsertScores(tx, id, analysis.performance_scores, analysis.compliance_breakdown);
      if (before)
        await recordSessionEvent(tx, { sessionId: id, actor: caller, kind: "reprocessed", changes: scoredChanges(before, analysis) });
      return true;
    });
    if (!found) return null;
  } catch (error) {
    throw asValidationError(error);
  }
  return getSession(caller, id, { db });
}
