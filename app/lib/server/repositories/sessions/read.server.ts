/**
 * Reading stored sessions: one by id, and the paged list. Every function takes the caller first
 * and goes through `patientScope`, so a session a caller may not see is indistinguishable from a
 * missing one.
 */
import type { Caller } from "~/lib/server/auth/caller.server";
import { dbOf, type QueryOptions } from "~/lib/server/repositories/options.server";
import { isUuid } from "~/lib/server/db/ids.server";
import { RECORDED_AT_SQL, therapistSql } from "~/lib/server/repositories/sessions/columns.server";
import { clampInt, filterSql } from "~/lib/server/repositories/sessions/filters.server";
import { loadSessions } from "~/lib/server/repositories/sessions/load.server";
import type { SessionFilters, SessionInclude, SessionSummary, StoredSession } from "~/lib/server/repositories/sessions/types.server";

/**
 * The stored session — by default with envelopes and C3D metadata; `include` leaves them out — or
 * null when it is missing OR not visible to the caller.
 */
export async function getSession(
  caller: Caller,
  id: string,
  options: QueryOptions & { include?: SessionInclude } = {},
): Promise<StoredSession | null> {
  if (!isUuid(id)) return null;
  const include = {
    envelopes: options.include?.envelopes ?? true,
    c3dMetadata: options.include?.c3dMetadata ?? true,
    contractions: options.include?.contractions ?? true,
  };
  const [session] = await loadSessions(await dbOf(options), caller, [id], include);
  return session ?? null;
}

/** Newest first (recorded_at, else upload time), with the total count for paging. */
export async function listSessions(
  caller: Caller,
  filters: SessionFilters & { limit?: number; offset?: number } = {},
  options: QueryOptions = {},
): Promise<{ sessions: SessionSummary[]; total: number }> {
  const db = await dbOf(options);
  const limit = clampInt(filters.limit, 50, 1, 1000);
  const offset = clampInt(filters.offset, 0, 0, Number.MAX_SAFE_INTEGER);
  const params: unknown[] = [];
  const where = filterSql(caller, filters, params);
  const from = `from therapy_sessions s join patients p on p.id = s.patient_id join users u on u.id = s.therapist_id`;
  const [page, count] = await Promise.all([
    db.query<Omit<SessionSummary, "created_at"> & { created_at: Date }>(
      `select s.id, s.session_code, p.code as patient_code, ${therapistSql(caller)} as therapist,
         ${RECORDED_AT_SQL} as recorded_at,
         s.created_at, s.source_filename, s.processing_status, ps.overall_score, ps.category,
         s.data_quality->>'status' as quality_status
       ${from} left join performance_scores ps on ps.session_id = s.id
       where ${where} order by s.sort_at desc, s.id desc limit ${limit} offset ${offset}`,
      params,
    ),
    db.query<{ total: number }>(`select count(*)::int as total ${from} where ${where}`, params),
  ]);
  return {
    sessions: page.rows.map((row) => ({
      ...row,
      created_at: new Date(row.created_at).toISOString(),
    })),
    total: Number(count.rows[0]?.total ?? 0),
  };
}
