/**
 * The export history: who exported what, when — an audit trail of health data leaving the
 * system. ONE insert (`recordExport`), called by every export route after building the export.
 */
import type { Caller } from "~/lib/server/auth/caller.server";
import { dbOf, type QueryOptions } from "~/lib/server/repositories/options.server";
import { assertCan } from "~/lib/server/auth/caller.server";

export interface ExportRecordInput {
  /** `patient`: a patient's progress report. */
  kind: "session" | "batch" | "upload" | "patient";
  format: "json" | "csv" | "pdf" | "xlsx";
  sessionIds: string[];
}

export interface ExportHistoryEntry {
  id: string;
  userId: string;
  userEmail: string | null;
  userDisplayName: string | null;
  tokenId: string | null;
  tokenName: string | null;
  kind: string;
  format: string;
  sessionIds: string[];
  createdAt: Date;
}

/**
 * Appends one entry for the caller from requireApiCaller or requireUser (a token caller's tokenId
 * is recorded too):
 *   await recordExport(caller, { kind: "session", format: "csv", sessionIds: [id] });
 */
export async function recordExport(
  caller: { userId: string; tokenId?: string | null },
  input: ExportRecordInput,
  options: QueryOptions = {},
): Promise<void> {
  const db = await dbOf(options);
  await db.query(`insert into export_history (user_id, token_id, format, kind, session_ids) values ($1, $2, $3, $4, $5::uuid[])`, [
    caller.userId,
    caller.tokenId ?? null,
    input.format,
    input.kind,
    input.sessionIds,
  ]);
}

/** The newest entries first (default 200), with who exported and through which token; admins only. */
export async function listExportHistory(caller: Caller, options: QueryOptions & { limit?: number } = {}): Promise<ExportHistoryEntry[]> {
  assertCan(caller, "admin", "read the export history");
  const db = await dbOf(options);
  const { rows } = await db.query<{
    id: string;
    user_id: string;
    email: string | null;
    display_name: string | null;
    token_id: string | null;
    token_name: string | null;
    kind: string;
    format: string;
    session_ids: string[] | null;
    created_at: Date | string;
  }>(
    `SELECT h.id, h.user_id, u.email, u.display_name, h.token_id, t.name AS token_name,
            h.kind, h.format, h.session_ids, h.created_at
       FROM export_history h
       LEFT JOIN users u ON u.id = h.user_id
       LEFT JOIN api_tokens t ON t.id = h.token_id
      ORDER BY h.created_at DESC
      LIMIT $1`,
    [options.limit ?? 200],
  );
  return rows.map((r) => ({
    id: r.id,
    userId: r.user_id,
    userEmail: r.email,
    userDisplayName: r.display_name,
    tokenId: r.token_id,
    tokenName: r.token_name,
    kind: r.kind,
    format: r.format,
    sessionIds: r.session_ids ?? [],
    createdAt: new Date(r.created_at),
  }));
}
