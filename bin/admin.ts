/**
 * `npm run -s admin -- <command> [options]`: provisioning and backups without a browser.
 *
 * Where a command runs (docs/deployment.md, "Admin CLI"):
 * - with DATABASE_URL it connects to PostgreSQL itself, whether or not servers run;
 * - with the embedded database, only one process may open DATA_DIR/pglite: while the server runs,
 *   the command goes through the server's admin socket (DATA_DIR/pglite.sock); with no server, the
 *   CLI opens the directory itself (and holds it while it works). `restore` needs an empty target,
 *   so it never goes through a running server.
 *
 * Exit codes: 0 done; 1 refused or failed (message on stderr); 2 bad arguments or environment.
 */
import { createWriteStream, existsSync } from "node:fs";
import { rename, rm } from "node:fs/promises";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { pathToFileURL } from "node:url";
import { TOKEN_SCOPES } from "~/lib/policy";
import { writeBackup } from "~/lib/server/admin/backup.server";
import { AdminCommandError, runAdminCommand, type AdminRequest } from "~/lib/server/admin/commands.server";
import { restoreBackup, RestoreError, verifyBackup } from "~/lib/server/admin/restore.server";
import { sendToHolder, type SocketRequest } from "~/lib/server/admin/socket.server";
import { createDb } from "~/lib/server/db/connection.server";
import { DirectoryLockedError, lockHolder } from "~/lib/server/db/directory-lock.server";
import type { Db } from "~/lib/server/db/types.server";
import { type Config, ConfigError, parseConfig } from "~/lib/server/http/config.server";
import { createStorage } from "~/lib/server/storage/connection.server";

export const USAGE = `usage: npm run -s admin -- <command> [options]
  create-user --email E --role therapist|researcher|admin --name N   (password on stdin)
  create-token --email E --name N --scopes ${TOKEN_SCOPES.join(",")} [--days D]   (prints the token once)
  list-users
  deactivate --email E
  reprocess --all-outdated | --session ID
  migrate                       apply pending migrations and exit
  backup --out FILE             consistent snapshot of the database and the raw C3D files (.tar.gz)
  restore FILE                  into an empty database / DATA_DIR and storage
The configuration is the server's environment (DATA_DIR or DATABASE_URL, S3_* or SUPABASE_*).`;

export class UsageError extends Error {}

export type Parsed =
  { kind: "request"; request: AdminRequest; readsPassword: boolean } | { kind: "backup"; out: string } | { kind: "restore"; file: string };

const FLAGS: Record<string, { required: string[]; optional: string[]; booleans?: string[] }> = {
  "create-user": { required: ["email", "role", "name"], optional: [] },
  "create-token": { required: ["email", "name", "scopes"], optional: ["days"] },
  "list-users": { required: [], optional: [] },
  deactivate: { required: ["email"], optional: [] },
  reprocess: { required: [], optional: ["session"], booleans: ["all-outdated"] },
  migrate: { required: [], optional: [] },
  backup: { required: ["out"], optional: [] },
  restore: { required: [], optional: [] },
};

/** Pure: the command line → what to do, or a UsageError naming the problem. */
export function parseArgs(argv: string[]): Parsed {
  const [command, ...rest] = argv;
  if (!command || command === "--help" || command === "-h") throw new UsageError("no command given");
  const spec = FLAGS[command];
  if (!spec) throw new UsageError(`unknown command ${JSON.stringify(command)}`);
  const flags: Record<string, string> = {};
  const booleans = new Set<string>();
  const positional: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    if (!arg.startsWith("--")) {
      positional.push(arg);
      continue;
    }
    const name = arg.slice(2);
    if (spec.booleans?.includes(name)) {
      booleans.add(name);
      continue;
    }
    if (![...spec.required, ...spec.optional].includes(name)) throw new UsageError(`${command} does not take --${name}`);
    const value = rest[++i];
    if (value === undefined || value.startsWith("--")) throw new UsageError(`--${name} needs a value`);
    if (name in flags) throw new UsageError(`--${name} given twice`);
    flags[name] = value;
  }
  const missing = spec.required.filter((name) => !(name in flags));
  if (missing.length > 0) throw new UsageError(`${command} needs ${missing.map((m) => `--${m}`).join(", ")}`);
  if (command === "restore") {
    if (positional.length !== 1) throw new UsageError("restore needs exactly one FILE");
    if (!existsSync(positional[0])) throw new UsageError(`no such file ${positional[0]}`);
    return { kind: "restore", file: path.resolve(positional[0]) };
  }
  if (positional.length > 0) throw new UsageError(`${command} takes no argument ${JSON.stringify(positional[0])}`);
  switch (command) {
    case "create-user":
      return {
        kind: "request",
        readsPassword: true,
        request: { command, email: flags.email, role: flags.role, name: flags.name, password: "" },
      };
    case "create-token": {
      const scopes = flags.scopes
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean);
      const unknown = scopes.filter((s) => !(TOKEN_SCOPES as readonly string[]).includes(s));
      if (scopes.length === 0 || unknown.length > 0) throw new UsageError(`--scopes must be a comma list of ${TOKEN_SCOPES.join(", ")}`);
      let days: number | undefined;
      if (flags.days !== undefined) {
        days = Number(flags.days);
        if (!/^\d+$/.test(flags.days) || days < 1 || days > 365)
          throw new UsageError("--days must be a whole number of days from 1 to 365");
      }
      return { kind: "request", readsPassword: false, request: { command, email: flags.email, name: flags.name, scopes, days } };
    }
    case "deactivate":
      return { kind: "request", readsPassword: false, request: { command, email: flags.email } };
    case "reprocess": {
      const all = booleans.has("all-outdated");
      if (all === (flags.session !== undefined)) throw new UsageError("reprocess needs exactly one of --all-outdated and --session ID");
      return { kind: "request", readsPassword: false, request: { command, allOutdated: all, sessionId: flags.session } };
    }
    case "backup":
      if (existsSync(flags.out)) throw new UsageError(`${flags.out} exists: give a new file name`);
      return { kind: "backup", out: path.resolve(flags.out) };
    default:
      return { kind: "request", readsPassword: false, request: { command } as AdminRequest };
  }
}

async function readPassword(): Promise<string> {
  if (process.stdin.isTTY) process.stderr.write("Password (input is shown): ");
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin as AsyncIterable<Buffer>) {
    chunks.push(chunk);
    if (process.stdin.isTTY && chunk.includes(10)) break;
  }
  return Buffer.concat(chunks)
    .toString("utf8")
    .replace(/\r?\n$/, "");
}

/** Opens the database and storage this process may use itself (no server holds them, or PostgreSQL). */
async function openDirect(config: Config, command: string, migrate: boolean): Promise<{ db: Db; close: () => Promise<void> }> {
  const db = await createDb(
    config.DATABASE_URL
      ? { databaseUrl: config.DATABASE_URL, migrate, maxConnections: 2 }
      : { pgliteDir: path.join(config.DATA_DIR, "pglite"), migrate, holder: `admin CLI (${command}) pid ${process.pid}` },
  );
  return { db, close: () => db.close() };
}

async function finishBackup(partial: string, out: string): Promise<string> {
  const manifest = await verifyBackup(partial);
  await rename(partial, out);
  const sessions = manifest.tables.find((t) => t.name === "therapy_sessions")?.rows ?? 0;
  const rows = manifest.tables.reduce((n, t) => n + t.rows, 0);
  return `backup ${out}: ${sessions} sessions, ${manifest.files.length} raw files, ${rows} rows in ${manifest.tables.length} tables (checked)\n`;
}

export async function main(argv: string[], env: Record<string, string | undefined> = process.env): Promise<number> {
  let parsed: Parsed;
  let config: Config;
  try {
    parsed = parseArgs(argv);
    config = parseConfig(env);
  } catch (error) {
    if (error instanceof UsageError || error instanceof ConfigError) {
      process.stderr.write(`admin: ${error.message}\n${error instanceof UsageError ? USAGE + "\n" : ""}`);
      return 2;
    }
    throw error;
  }
  const pgliteDir = path.join(config.DATA_DIR, "pglite");
  const storage = await createStorage(config);
  try {
    if (parsed.kind === "restore") {
      if (!config.DATABASE_URL) {
        const holder = await lockHolder(pgliteDir);
        if (holder) throw new AdminCommandError(`${pgliteDir} is open in ${holder}: restore into an empty DATA_DIR, with no server on it`);
      }
      // Checked before anything is opened, so a damaged archive leaves the target untouched.
      const verified = await verifyBackup(parsed.file);
      const { db, close } = await openDirect(config, "restore", false);
      try {
        const summary = await restoreBackup(parsed.file, db, storage, { verified });
        const after = summary.migrationsAppliedAfter.length > 0 ? `; then applied ${summary.migrationsAppliedAfter.join(", ")}` : "";
        process.stdout.write(`restored ${summary.rows} rows in ${summary.tables} tables and ${summary.files} raw files${after}\n`);
      } finally {
        await close();
      }
      return 0;
    }

    const request: SocketRequest = parsed.kind === "backup" ? { command: "backup" } : parsed.request;
    if (parsed.kind === "request" && parsed.readsPassword && request.command === "create-user") request.password = await readPassword();

    if (!config.DATABASE_URL) {
      const online = await sendToHolder(pgliteDir, request);
      if (online) {
        const { answer, socket } = online;
        if (!answer.ok) {
          socket.destroy();
          throw new AdminCommandError(answer.error ?? "the server refused");
        }
        if (parsed.kind === "backup") {
          const partial = `${parsed.out}.partial`;
          try {
            await pipeline(socket, createWriteStream(partial, { flags: "wx", mode: 0o600 }));
            process.stdout.write(await finishBackup(partial, parsed.out));
          } catch (error) {
            await rm(partial, { force: true });
            throw error;
          }
        } else {
          socket.destroy();
          process.stdout.write(answer.stdout ?? "");
        }
        return 0;
      }
    }

    const { db, close } = await openDirect(config, request.command, request.command !== "migrate");
    try {
      if (parsed.kind === "backup") {
        const partial = `${parsed.out}.partial`;
        try {
          await writeBackup(db, storage, createWriteStream(partial, { flags: "wx", mode: 0o600 }));
          process.stdout.write(await finishBackup(partial, parsed.out));
        } catch (error) {
          await rm(partial, { force: true });
          throw error;
        }
      } else {
        process.stdout.write((await runAdminCommand({ db, storage }, request as AdminRequest)).stdout);
      }
    } finally {
      await close();
    }
    return 0;
  } catch (error) {
    if (error instanceof AdminCommandError || error instanceof RestoreError || error instanceof DirectoryLockedError) {
      process.stderr.write(`admin: ${error.message}\n`);
      return 1;
    }
    process.stderr.write(`admin: ${(error as Error).stack ?? String(error)}\n`);
    return 1;
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: Error) => {
      process.stderr.write(`admin: ${error.stack ?? error.message}\n`);
      process.exit(1);
    },
  );
}
