/**
 * One process at a time may open an embedded (PGlite) data directory: two PostgreSQL instances on
 * one directory corrupt it, and PGlite itself does not prevent it. The lock is a unix socket
 * beside the directory (`<dir>.sock`, mode 0600) that its holder listens on:
 *
 * - it cannot go stale: a holder that died leaves a socket file nobody answers on, which the next
 *   opener removes (a PID file would need the PID to mean the same thing across restarts and
 *   containers);
 * - it is also the way in: the admin CLI sends its commands through the socket to the server that
 *   holds the directory instead of opening it a second time (app/lib/server/admin/socket.server.ts).
 *
 * Protocol: one JSON request line, answered by the holder. Every holder answers
 * `{"command":"holder"}` with `{"ok":true,"holder":"…"}`; other commands go to the handler the
 * holder installed, or are refused as busy.
 */
import { chmod, unlink } from "node:fs/promises";
import { createConnection, createServer, type Server, type Socket } from "node:net";
import path from "node:path";

export class DirectoryLockedError extends Error {
  override name = "DirectoryLockedError";
  constructor(
    readonly dir: string,
    readonly holder: string,
  ) {
    super(`${dir} is open in another process (${holder}); only one process may open an embedded database`);
  }
}

export interface LockRequest {
  command: string;
  [field: string]: unknown;
}

/** Answers a request on an accepted connection (and ends it). */
export type LockHandler = (request: LockRequest, socket: Socket) => Promise<void> | void;

export interface DirectoryLock {
  readonly dir: string;
  readonly socketPath: string;
  /** Who holds it, e.g. "server pid 4242". */
  readonly holder: string;
  /** Routes commands other than `holder` to this handler (the server's admin commands). */
  setHandler(handler: LockHandler | null): void;
  release(): Promise<void>;
}

// Linux limits a socket path to 107 bytes; a relative path helps when the absolute one is long.
const MAX_SOCKET_PATH = 100;

/** The socket that locks `dir`: `<dir>.sock` beside it. */
export function lockSocketPath(dir: string): string {
  const absolute = `${path.resolve(dir)}.sock`;
  if (absolute.length <= MAX_SOCKET_PATH) return absolute;
  const relative = path.relative(process.cwd(), absolute);
  if (relative.length <= MAX_SOCKET_PATH) return relative;
  throw new Error(`the lock socket path ${absolute} is longer than ${MAX_SOCKET_PATH} bytes: choose a shorter DATA_DIR`);
}

export function writeLine(socket: Socket, value: unknown): void {
  socket.write(`${JSON.stringify(value)}\n`);
}

/** Reads the first line of a connection (the request, or the answer). */
export function readLine(socket: Socket, limit = 1 << 20): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffered = "";
    const onData = (chunk: Buffer) => {
      buffered += chunk.toString("utf8");
      const end = buffered.indexOf("\n");
      if (end >= 0) {
        cleanup();
        const rest = buffered.slice(end + 1);
        if (rest) socket.unshift(Buffer.from(rest, "utf8"));
        resolve(buffered.slice(0, end));
      } else if (buffered.length > limit) {
        cleanup();
        reject(new Error("request line too long"));
      }
    };
    const onEnd = () => {
      cleanup();
      reject(new Error("connection closed before a full line"));
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    const cleanup = () => {
      // Paused, so what follows the line (a backup's bytes) waits for the next reader.
      socket.pause();
      socket.off("data", onData);
      socket.off("end", onEnd);
      socket.off("error", onError);
    };
    socket.on("data", onData);
    socket.on("end", onEnd);
    socket.on("error", onError);
  });
}

/** Connects to a lock socket; null when nobody listens there (no file, or a dead holder's). */
export function connectToLock(socketPath: string): Promise<Socket | null> {
  return new Promise((resolve, reject) => {
    const socket = createConnection(socketPath);
    socket.once("connect", () => resolve(socket));
    socket.once("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT" || error.code === "ECONNREFUSED") resolve(null);
      else reject(error);
    });
  });
}

/** Who holds the lock of `dir`, or null when nobody does. */
export async function lockHolder(dir: string): Promise<string | null> {
  const socket = await connectToLock(lockSocketPath(dir));
  if (!socket) return null;
  try {
    writeLine(socket, { command: "holder" });
    const answer = JSON.parse(await readLine(socket)) as { holder?: string };
    return answer.holder ?? "an unknown process";
  } catch {
    return "a process that does not answer";
  } finally {
    socket.destroy();
  }
}

function listen(server: Server, socketPath: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(socketPath, () => {
      server.off("error", reject);
      resolve();
    });
  });
}

const heldKey = Symbol.for("ghostly.directory-locks");
type GlobalWithLocks = typeof globalThis & { [heldKey]?: Map<string, DirectoryLock> };
const held = (): Map<string, DirectoryLock> => ((globalThis as GlobalWithLocks)[heldKey] ??= new Map<string, DirectoryLock>());

/** The lock this process holds on `dir`, if any (the server installs its admin handler on it). */
export function heldLock(dir: string): DirectoryLock | undefined {
  return held().get(path.resolve(dir));
}

/** Takes the lock of `dir` for this process, or throws DirectoryLockedError naming the holder. */
export async function lockDirectory(dir: string, holder: string): Promise<DirectoryLock> {
  const socketPath = lockSocketPath(dir);
  let handler: LockHandler | null = null;
  const server = createServer((socket) => {
    socket.on("error", () => undefined);
    readLine(socket)
      .then(async (line) => {
        const request = JSON.parse(line) as LockRequest;
        if (request.command === "holder") {
          writeLine(socket, { ok: true, holder });
          socket.end();
        } else if (handler) {
          await handler(request, socket);
        } else {
          writeLine(socket, { ok: false, error: `busy: ${holder} holds the database; try again when it has finished` });
          socket.end();
        }
      })
      .catch((error: Error) => {
        if (!socket.destroyed) {
          writeLine(socket, { ok: false, error: error.message });
          socket.end();
        }
      });
  });
  try {
    await listen(server, socketPath);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EADDRINUSE") throw error;
    const current = await lockHolder(dir);
    if (current) throw new DirectoryLockedError(path.resolve(dir), current);
    // A holder that died: its socket file answers nobody.
    await unlink(socketPath).catch(() => undefined);
    try {
      await listen(server, socketPath);
    } catch (again) {
      if ((again as NodeJS.ErrnoException).code === "EADDRINUSE") {
        throw new DirectoryLockedError(path.resolve(dir), (await lockHolder(dir)) ?? "a process that just took it");
      }
      throw again;
    }
  }
  await chmod(socketPath, 0o600);
  // A lock must not keep a CLI process alive on its own.
  server.unref();
  let released = false;
  const lock: DirectoryLock = {
    dir: path.resolve(dir),
    socketPath,
    holder,
    setHandler(next) {
      handler = next;
    },
    async release() {
      if (released) return;
      released = true;
      held().delete(lock.dir);
      // close() unlinks the socket file of a listening unix server.
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  held().set(lock.dir, lock);
  return lock;
}
