/**
 * How many rows a batch export of these filters has, before it is downloaded: the sessions (one
 * CSV row or JSON element each) and their contractions (the contractions table). The WHERE clause
 * is the batch export's own (`filterSql`), so the count and the download cannot disagree.
 */
import type { Caller } from "~/lib/server/auth/caller.server";
import { dbOf, type QueryOptions } from "~/lib/server/repositories/options.server";
import { filterSql } from "~/lib/server/repositories/sessions/filters.server";
import type { SessionFilters } from "~/lib/server/repositories/sessions/types.server";

export interface BatchCount {
  sessions: number;
  contractions: number;
}

export async function countBatch(caller: Caller, filters: SessionFilters, options: QueryOptions = {}): Promise<BatchCount> {
  const db = await dbOf(options);
  const params: unknown[] = [];
  const where = filterSql(caller, filters, params);
  const { rows } = await db.query<{ sessions: number; contractions: number }>(
    `select count(*)::int as sessions,
       coalesce(sum((select count(*) from contractions c where c.session_id = s.id)), 0)::int as contractions
     from therapy_sessions s join patients p on p.id = s.patient_id
     where ${where}`,
    params,
  );
  return { sessions: Number(rows[0]?.sessions ?? 0), contractions: Number(rows[0]?.contractions ?? 0) };
}
