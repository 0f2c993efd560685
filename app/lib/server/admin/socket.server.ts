/**
 * Admin commands through the server that holds the embedded database: the CLI connects to the
 * directory's lock socket (db/directory-lock.server.ts; mode 0600, so only the account that owns
 * DATA_DIR, which could read the database files anyway, gets in) and the server runs the command
 * on its own open database. A backup streams back over the same connection.
 *
 * Request: one JSON line (an AdminRequest, or `{"command":"backup"}`). Answer: one JSON line
 * `{"ok":true,"stdout":…}` / `{"ok":false,"error":…}`; for a backup `{"ok":true,"stream":true}`
 * followed by the archive's bytes until the connection ends.
 */
import type { Socket } from "node:net";
import path from "node:path";
import { getConfig } from "~/lib/server/http/config.server";
import { getDb } from "~/lib/server/db/connection.server";
import { connectToLock, heldLock, lockSocketPath, readLine, writeLine, type LockRequest } from "~/lib/server/db/directory-lock.server";
import { getStorage } from "~/lib/server/storage/connection.server";
import { writeBackup } from "./backup.server";
import { AdminCommandError, runAdminCommand, type AdminContext, type AdminRequest } from "./commands.server";

export type SocketRequest = AdminRequest | { command: "backup" };

async function answer(context: AdminContext, request: LockRequest, socket: Socket): Promise<void> {
  if (request.command === "backup") {
    writeLine(socket, { ok: true, stream: true });
    // writeBackup ends the socket; a failure cuts the archive short, which the CLI's check reports.
    await writeBackup(context.db, context.storage, socket).catch((error: Error) => {
      console.error(`admin backup failed: ${error.message}`);
      socket.destroy();
    });
    return;
  }
  try {
    const result = await runAdminCommand(context, request as unknown as AdminRequest);
    writeLine(socket, { ok: true, stdout: result.stdout });
  } catch (error) {
    const known = error instanceof AdminCommandError;
    if (!known) console.error(`admin ${request.command} failed:`, error);
    writeLine(socket, { ok: false, error: known ? error.message : `the server failed: ${(error as Error).message}` });
  }
  socket.end();
}

/** Serves admin commands on the lock of the embedded database this process holds (no-op with DATABASE_URL). */
export function serveAdminCommands(context: AdminContext, pgliteDir: string): boolean {
  const lock = heldLock(pgliteDir);
  if (!lock) return false;
  lock.setHandler((request, socket) => answer(context, request, socket));
  return true;
}

/** Start-up (entry.server): once the embedded database is open, accept the admin CLI's commands. */
export async function startAdminSocket(): Promise<void> {
  const config = getConfig();
  if (config.DATABASE_URL) return;
  const [db, storage] = await Promise.all([getDb(), getStorage()]);
  serveAdminCommands({ db, storage }, path.join(config.DATA_DIR, "pglite"));
}

/**
 * Client side: sends a request to the process holding `pgliteDir`. Null when no process holds it
 * (the CLI may then open the directory itself); the connection, with the JSON answer line read.
 */
export async function sendToHolder(
  pgliteDir: string,
  request: SocketRequest,
): Promise<{ answer: { ok: boolean; stdout?: string; error?: string; stream?: boolean }; socket: Socket } | null> {
  const socket = await connectToLock(lockSocketPath(pgliteDir));
  if (!socket) return null;
  writeLine(socket, request);
  const answer = JSON.parse(await readLine(socket)) as { ok: boolean; stdout?: string; error?: string; stream?: boolean };
  return { answer, socket };
}
