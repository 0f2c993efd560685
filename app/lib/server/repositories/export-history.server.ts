import type { Queryable } from "~/lib/server/db/types.server";
import { recordExport as insertExportRecord, type ExportRecord } from "~/lib/server/repositories/sessions/read.server";

/** Who exported what, when: an audit trail of health data leaving the system. */
export type ExportRecordInput = Pick<ExportRecord, "kind" | "format" | "sessionIds">;

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
 * Export routes call this after building the export, with the caller from requireApiCaller or
 * requireUser (a token caller's tokenId is recorded too):
 *   await recordExport(caller, { kind: "session", format: "csv", sessionIds: [id] });
 * The row itself is written by the session repository's recordExport (one insert, one place).
 */
export async function recordExport(
  caller: { userId: string; tokenId?: string | null },
  input: ExportRecordInput,
): Promise<void> {
  await insertExportRecord({ userId: caller.userId, tokenId: caller.tokenId ?? null, ...input });
}

export async function listExportHistory(db: Queryable, limit = 200): Promise<ExportHistoryEntry[]> {
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
    [limit],
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
