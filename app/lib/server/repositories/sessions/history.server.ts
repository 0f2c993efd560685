/**
 * The history of a stored session: every change recorded with who, when and what changed
 * (`{ field: { from, to } }` for inputs and every score). Written inside the transaction of the
 * change itself, so a change and its event commit or roll back together.
 */
import type { PerformanceScores, SessionParameters } from "~/lib/export/schema";
import { seesTherapistIdentity } from "~/lib/policy";
import type { Caller } from "~/lib/server/auth/caller.server";
import { isUuid } from "~/lib/server/db/ids.server";
import type { Queryable } from "~/lib/server/db/types.server";
import { dbOf, type QueryOptions } from "~/lib/server/repositories/options.server";
import { patientScope } from "~/lib/server/repositories/patients.server";

export const SESSION_EVENT_KINDS = ["uploaded", "inputs_corrected", "reprocessed", "archived", "restored"] as const;
export type SessionEventKind = (typeof SESSION_EVENT_KINDS)[number];

/** Inputs and scores are scalars (the export's `history` schema says so too). */
export type ChangedValue = string | number | boolean | null;
export interface FieldChange {
  from: ChangedValue;
  to: ChangedValue;
}
export type SessionChanges = Record<string, FieldChange>;

export interface SessionEvent {
  /** ISO 8601 (UTC). */
  at: string;
  /** Who acted (display name, else e-mail); null for callers who do not see therapist identity, or for the system. */
  actor: string | null;
  kind: SessionEventKind;
  changes: SessionChanges;
}

/** Label when the change was made by no signed-in user (a migration, a maintenance script). */
const SYSTEM_ACTOR = "system";

/**
 * Records one event for `sessionId` on `tx` (the open transaction of the change). The actor's label
 * is copied from the users table so the event still names them after the user is removed.
 */
export async function recordSessionEvent(
  tx: Queryable,
  event: { sessionId: string; actor: Caller | null; kind: SessionEventKind; changes?: SessionChanges },
): Promise<void> {
  await tx.query(
    `insert into session_events (session_id, actor_user_id, actor_label, kind, changes)
     values ($1::uuid, $2::uuid,
       coalesce((select coalesce(nullif(display_name, ''), email) from users where id = $2::uuid), $3), $4, $5::text::jsonb)`,
    [event.sessionId, event.actor?.userId ?? null, SYSTEM_ACTOR, event.kind, JSON.stringify(event.changes ?? {})],
  );
}

/**
 * The events of a session, oldest first; null when the session is missing or not visible to the
 * caller (the same rule as getSession).
 */
export async function listSessionEvents(caller: Caller, sessionId: string, options: QueryOptions = {}): Promise<SessionEvent[] | null> {
  if (!isUuid(sessionId)) return null;
  const db = await dbOf(options);
  const params: unknown[] = [sessionId];
  const visible = await db.query(
    `select s.id from therapy_sessions s join patients p on p.id = s.patient_id
     where s.id = $1::uuid and ${patientScope(caller, "p", params)}`,
    params,
  );
  if (visible.rows.length === 0) return null;
  const events = await db.query<{ at: Date | string; actor_label: string; kind: SessionEventKind; changes: SessionChanges | string }>(
    "select at, actor_label, kind, changes from session_events where session_id = $1::uuid order by at, id",
    [sessionId],
  );
  const identify = seesTherapistIdentity(caller);
  return events.rows.map((row) => ({
    at: new Date(row.at).toISOString(),
    actor: identify && row.actor_label !== SYSTEM_ACTOR ? row.actor_label : null,
    kind: row.kind,
    changes: typeof row.changes === "string" ? (JSON.parse(row.changes) as SessionChanges) : row.changes,
  }));
}

/**
 * `{ field: { from, to } }` for every field of `after` whose value differs from `before`, keys
 * prefixed with `prefix` (e.g. "performance_scores."). Values compare by their JSON form.
 */
export function diffFields(before: object, after: object, prefix = ""): SessionChanges {
  const changes: SessionChanges = {};
  const b = before as Record<string, unknown>;
  const a = after as Record<string, unknown>;
  for (const key of new Set([...Object.keys(b), ...Object.keys(a)])) {
    const from = (b[key] ?? null) as ChangedValue;
    const to = (a[key] ?? null) as ChangedValue;
    if (JSON.stringify(from) !== JSON.stringify(to)) changes[`${prefix}${key}`] = { from, to };
  }
  return changes;
}

/**
 * What a correction or re-processing changed: the inputs that differ (`session_parameters.<field>`)
 * and EVERY score (`performance_scores.<field>`, also when unchanged), so the history keeps the
 * complete previous score set after the new analysis replaced it.
 */
export function scoredChanges(
  before: { session_parameters: SessionParameters; performance_scores: PerformanceScores },
  after: { session_parameters: SessionParameters; performance_scores: PerformanceScores },
): SessionChanges {
  const changes = diffFields(before.session_parameters, after.session_parameters, "session_parameters.");
  const scores = before.performance_scores as unknown as Record<string, unknown>;
  const next = after.performance_scores as unknown as Record<string, unknown>;
  for (const key of new Set([...Object.keys(scores), ...Object.keys(next)])) {
    changes[`performance_scores.${key}`] = { from: (scores[key] ?? null) as ChangedValue, to: (next[key] ?? null) as ChangedValue };
  }
  return changes;
}
