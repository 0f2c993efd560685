/**
 * `admin restore FILE`: a backup (backup.server.ts) into an EMPTY database and storage. Two passes
 * over the archive: the first checks every entry against the manifest's sha256 (nothing is written
 * for a damaged or foreign file); the second applies the backup's migrations, loads the rows in one
 * transaction, stores the raw files, then applies the migrations added since (they carry the data
 * forward). A backup of PGlite restores onto PostgreSQL and back: it holds rows, not pages.
 */
import { cpSync, createReadStream, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { createGunzip } from "node:zlib";
import tar from "tar-stream";
import { defaultMigrationsDir, migrate, readMigrations } from "~/lib/server/db/migrations.server";
import type { Db } from "~/lib/server/db/types.server";
import { sha256Hex, shaOfBlobKey, type BlobStorage } from "~/lib/server/storage/blobs.server";
import { BACKUP_FORMAT, BACKUP_VERSION, type BackupManifest } from "./backup.server";
import { describeTables, quoteIdent } from "./tables.server";

export class RestoreError extends Error {
  override name = "RestoreError";
}

/** Calls `onEntry` with every regular file of the archive, in archive order. */
async function readArchive(file: string, onEntry: (name: string, bytes: Buffer) => Promise<void>): Promise<void> {
  const extract = tar.extract();
  const feeding = pipeline(createReadStream(file), createGunzip(), extract);
  feeding.catch(() => undefined);
  try {
    for await (const entry of extract) {
      const chunks: Buffer[] = [];
      for await (const chunk of entry) chunks.push(chunk as Buffer);
      if (entry.header.type === "file") await onEntry(entry.header.name, Buffer.concat(chunks));
    }
    await feeding;
  } catch (error) {
    extract.destroy();
    await feeding.catch(() => undefined);
    const message = (error as Error).message;
    throw error instanceof RestoreError ? error : new RestoreError(`${file} is not a readable backup archive: ${message}`);
  }
}

/** Pass 1: the manifest, after every entry matched its sha256 and size and nothing is missing or extra. */
export async function verifyBackup(file: string): Promise<BackupManifest> {
  const seen = new Map<string, { sha256: string; sizeBytes: number }>();
  let manifest: BackupManifest | undefined;
  await readArchive(file, (name, bytes) => {
    if (name === "manifest.json") manifest = JSON.parse(bytes.toString("utf8")) as BackupManifest;
    else seen.set(name, { sha256: sha256Hex(bytes), sizeBytes: bytes.byteLength });
    return Promise.resolve();
  });
  if (!manifest || manifest.format !== BACKUP_FORMAT) throw new RestoreError(`${file} has no ${BACKUP_FORMAT} manifest`);
  const version: unknown = manifest.version;
  if (version !== BACKUP_VERSION)
    throw new RestoreError(`${file} is backup format version ${String(version)}; this app reads ${BACKUP_VERSION}`);
  const listed = [...manifest.tables.flatMap((t) => t.parts), ...manifest.files];
  for (const entry of listed) {
    const found = seen.get(entry.path);
    if (!found) throw new RestoreError(`${file} lacks ${entry.path}, which its manifest lists`);
    if (found.sha256 !== entry.sha256 || found.sizeBytes !== entry.sizeBytes) {
      throw new RestoreError(`${entry.path} in ${file} does not match its manifest sha256: the archive is damaged`);
    }
  }
  const extra = [...seen.keys()].filter((name) => !listed.some((entry) => entry.path === name));
  if (extra.length > 0) throw new RestoreError(`${file} holds entries its manifest does not list: ${extra.slice(0, 3).join(", ")}`);
  for (const entry of manifest.files) {
    if (shaOfBlobKey(entry.path, "files/") !== entry.sha256) {
      throw new RestoreError(`${entry.path} is not named by its sha256 ${entry.sha256}`);
    }
  }
  return manifest;
}

/** Refuses a target that is not empty: no tables in the database, no raw files in the storage. */
export async function assertEmptyTarget(db: Db, storage: BlobStorage): Promise<void> {
  const { rows } = await db.query<{ n: number }>("select count(*)::int as n from information_schema.tables where table_schema = 'public'");
  if (rows[0].n > 0)
    throw new RestoreError(`the target database is not empty (${rows[0].n} tables): restore only into an empty database or DATA_DIR`);
  for await (const blob of storage.list()) {
    throw new RestoreError(
      `the target storage ${storage.objects.location} already holds raw files (${blob.sha256}…): restore only into empty storage`,
    );
  }
}

/** The backup's migrations, checked against this app's files (same names, same checksums). */
async function backupMigrationsDir(manifest: BackupManifest): Promise<string> {
  const files = await readMigrations();
  const dir = mkdtempSync(path.join(os.tmpdir(), "ghostly-restore-migrations-"));
  for (const migration of manifest.migrations) {
    const ours = files.find((f) => f.name === migration.name);
    if (!ours)
      throw new RestoreError(
        `the backup's schema has migration ${migration.name}, which this app does not know: restore it with the version that took it (or newer)`,
      );
    if (ours.checksum !== migration.checksum)
      throw new RestoreError(`migration ${migration.name} differs from the one the backup's schema was built with`);
    cpSync(path.join(defaultMigrationsDir(), migration.name), path.join(dir, migration.name));
  }
  return dir;
}

export interface RestoreSummary {
  tables: number;
  rows: number;
  files: number;
  migrationsAppliedAfter: string[];
}

/**
 * Restores `file` into `db` (opened without migrations) and `storage`, both empty. Throws
 * RestoreError, before writing anything, for a damaged archive or a non-empty target. `verified`:
 * the manifest verifyBackup already returned for this file (the CLI checks before opening anything).
 */
export async function restoreBackup(
  file: string,
  db: Db,
  storage: BlobStorage,
  options: { verified?: BackupManifest } = {},
): Promise<RestoreSummary> {
  const manifest = options.verified ?? (await verifyBackup(file));
  await assertEmptyTarget(db, storage);
  const dir = await backupMigrationsDir(manifest);
  try {
    await migrate(db, { dir });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const shapes = new Map((await describeTables(db)).map((t) => [t.name, t]));
  const unknown = manifest.tables.filter((t) => !shapes.has(t.name));
  if (unknown.length > 0) throw new RestoreError(`the backup has tables the schema lacks: ${unknown.map((t) => t.name).join(", ")}`);

  let rows = 0;
  let files = 0;
  await db.transaction(async (tx) => {
    // Rows the migrations seeded (the default scoring configuration) come back from the backup.
    for (const table of [...shapes.values()].reverse()) await tx.query(`delete from ${quoteIdent(table.name)}`);
    await readArchive(file, async (name, bytes) => {
      const table = /^db\/([^/]+)\/\d+\.ndjson$/.exec(name)?.[1];
      if (table) {
        const shape = shapes.get(table)!;
        const lines = bytes
          .toString("utf8")
          .split("\n")
          .filter((line) => line.length > 0);
        const columns = shape.writable.map(quoteIdent).join(", ");
        const result = await tx.query(
          `insert into ${quoteIdent(table)} (${columns}) overriding system value
           select ${columns} from json_populate_recordset(null::${quoteIdent(table)}, $1::json)`,
          [`[${lines.join(",")}]`],
        );
        rows += result.rowCount;
      } else if (name.startsWith("files/")) {
        const stored = await storage.put(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
        if (!name.endsWith(`/${stored.sha256}.c3d`)) throw new RestoreError(`${name} does not hold the bytes its name says`);
        files += 1;
      }
    });
    for (const table of shapes.values()) {
      for (const column of table.identity) {
        await tx.query(
          `select setval(pg_get_serial_sequence($1, $2), coalesce((select max(${quoteIdent(column)}) from ${quoteIdent(table.name)}), 0) + 1, false)`,
          [quoteIdent(table.name), column],
        );
      }
    }
  });
  const migrationsAppliedAfter = await migrate(db);
  return { tables: manifest.tables.length, rows, files, migrationsAppliedAfter };
}
