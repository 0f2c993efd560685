/**
 * A throwaway real PostgreSQL server for integration tests: Debian's binaries, a temp data directory
 * owned by `postgres` (initdb refuses root), 127.0.0.1 on a free port, its own socket directory,
 * fsync off, log inside the data directory. `stop()` shuts it down and deletes everything.
 */
import { execFile } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import pg from "pg";

const run = promisify(execFile);

/** POSTGRES_BIN, else Debian's PostgreSQL 15, else the newest /usr/lib/postgresql/<major>/bin. */
export const POSTGRES_BIN = process.env.POSTGRES_BIN ?? findDebianPostgres();

function findDebianPostgres(): string {
  const preferred = "/usr/lib/postgresql/15/bin";
  if (existsSync(path.join(preferred, "initdb"))) return preferred;
  const majors = existsSync("/usr/lib/postgresql")
    ? readdirSync("/usr/lib/postgresql")
        .filter((v) => /^\d+$/.test(v))
        .map(Number)
        .sort((a, b) => b - a)
    : [];
  const found = majors.map((v) => `/usr/lib/postgresql/${v}/bin`).find((bin) => existsSync(path.join(bin, "initdb")));
  return found ?? preferred;
}

export interface PostgresServer {
  /** Connection URL of a database on this server (default: the `postgres` maintenance database). */
  url(database?: string): string;
  /** Creates an empty database and returns its URL. */
  createDatabase(): Promise<string>;
  stop(): Promise<void>;
}

/** Why the real-server leg cannot run here, or null when it can. */
export function postgresUnavailableReason(): string | null {
  if (process.env.DATABASE_URL) return null;
  if (!existsSync(path.join(POSTGRES_BIN, "initdb")) || !existsSync(path.join(POSTGRES_BIN, "pg_ctl"))) {
    return `no PostgreSQL binaries in ${POSTGRES_BIN} (apt-get install postgresql, or set POSTGRES_BIN / DATABASE_URL)`;
  }
  if (process.getuid?.() === 0 && !existsSync("/usr/sbin/runuser") && !existsSync("/sbin/runuser")) {
    return "running as root without runuser: cannot start initdb as the postgres user";
  }
  return null;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

async function lookupUid(user: string): Promise<{ uid: number; gid: number }> {
  const { stdout } = await run("id", ["-u", user]);
  const { stdout: gid } = await run("id", ["-g", user]);
  return { uid: Number(stdout.trim()), gid: Number(gid.trim()) };
}

async function createDatabaseAt(adminUrl: string, makeUrl: (db: string) => string): Promise<string> {
  const name = `ghostly_test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`create database ${name}`);
  } finally {
    await client.end();
  }
  return makeUrl(name);
}

/** A server given from outside (DATABASE_URL): each suite gets its own database on it; never stopped. */
function externalServer(url: string): PostgresServer {
  const withDatabase = (db: string) => {
    const parsed = new URL(url);
    parsed.pathname = `/${db}`;
    return parsed.toString();
  };
  return {
    url: (db) => (db ? withDatabase(db) : url),
    createDatabase: () => createDatabaseAt(url, withDatabase),
    stop: () => Promise.resolve(),
  };
}

export async function startPostgres(): Promise<PostgresServer> {
  if (process.env.DATABASE_URL) return externalServer(process.env.DATABASE_URL);
  const reason = postgresUnavailableReason();
  if (reason) throw new Error(reason);

  const asRoot = process.getuid?.() === 0;
  const dir = mkdtempSync(path.join(os.tmpdir(), "ghostly-pg-"));
  const dataDir = path.join(dir, "data");
  // Run as the postgres user when we are root; as ourselves otherwise.
  const as = async (command: string, args: string[]) =>
    asRoot
      ? run("runuser", ["-u", "postgres", "--", path.join(POSTGRES_BIN, command), ...args])
      : run(path.join(POSTGRES_BIN, command), args);
  if (asRoot) {
    const { uid, gid } = await lookupUid("postgres");
    chownSync(dir, uid, gid);
  }
  const port = await freePort();
  try {
    await as("initdb", ["-D", dataDir, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-instructions"]);
    await as("pg_ctl", [
      "start",
      "-D",
      dataDir,
      "-w",
      "-l",
      path.join(dataDir, "server.log"),
      "-o",
      `-c port=${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=${dataDir} -c fsync=off -c synchronous_commit=off -c full_page_writes=off`,
    ]);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`could not start PostgreSQL: ${(error as Error).message}`);
  }
  const base = `postgres://postgres@127.0.0.1:${port}`;
  let stopped = false;
  return {
    url: (db = "postgres") => `${base}/${db}`,
    createDatabase: () => createDatabaseAt(`${base}/postgres`, (db) => `${base}/${db}`),
    async stop() {
      if (stopped) return;
      stopped = true;
      await as("pg_ctl", ["stop", "-D", dataDir, "-m", "immediate", "-w"]).catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
