/** Every visible session matching the filters, read page by page: for batch exports and the patient page. */
import type { Caller } from "~/lib/server/auth/caller.server";
import { dbOf, type QueryOptions } from "~/lib/server/repositories/options.server";
import { clampInt, filterSql } from "~/lib/server/repositories/sessions/filters.server";
import { loadSessions } from "~/lib/server/repositories/sessions/load.server";
import type { SessionFilters, SessionInclude, StoredSession } from "~/lib/server/repositories/sessions/types.server";

/**
 * Every visible session matching the filters, newest first, read page by page with a keyset cursor
 * (memory bounded by two pages, no OFFSET scan) — for batch exports. Envelopes only when asked.
 */
export async function* streamSessions(
  caller: Caller,
  filters: SessionFilters & {
    /** Sessions per database read (1…1000, default 100); batch exports use 1000. */
    pageSize?: number;
    /** Default: no envelopes, with C3D metadata and contractions. */
    include?: SessionInclude;
  } = {},
  options: QueryOptions = {},
): AsyncGenerator<StoredSession> {
  const db = await dbOf(options);
  const pageSize = clampInt(filters.pageSize, 100, 1, 1000);
  const include = {
    envelopes: filters.include?.envelopes ?? false,
    c3dMetadata: filters.include?.c3dMetadata ?? true,
    contractions: filters.include?.contractions ?? true,
  };
  // The cursor travels as text: a JS Date would drop the microseconds of upload times and skip rows.
  type Cursor = { sortKey: string; id: string };
  const readPage = async (cursor: Cursor | undefined): Promise<{ sessions: StoredSession[]; next?: Cursor }> => {
    const params: unknown[] = [];
    let where = filterSql(caller, filters, params);
    if (cursor) {
      params.push(cursor.sortKey, cursor.id);
      where += ` and (s.sort_at, s.id) < ($${params.length - 1}::timestamp, $${params.length}::uuid)`;
    }
    const { rows } = await db.query<{ id: string; sort_key: string }>(
      `select s.id, s.sort_at::text as sort_key from therapy_sessions s join patients p on p.id = s.patient_id
       where ${where} order by s.sort_at desc, s.id desc limit ${pageSize}`,
      params,
    );
    const sessions = await loadSessions(
      db,
      caller,
      rows.map((row) => row.id),
      include,
    );
    const last = rows[rows.length - 1];
    return { sessions, next: rows.length === pageSize ? { sortKey: last.sort_key, id: last.id } : undefined };
  };
  let pending = readPage(undefined);
  try {
    for (;;) {
      const page = await pending;
      // Read the next page while the caller consumes this one: on a PostgreSQL server the query
      // runs there while this process builds and renders. At most two pages are held.
      if (page.next) pending = readPage(page.next);
      yield* page.sessions;
      if (!page.next) return;
    }
  } finally {
    // A consumer that stops early leaves one read in flight: its outcome no longer matters.
    pending.catch(() => undefined);
  }
}
