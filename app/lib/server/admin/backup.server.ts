/**
 * `admin backup`: a consistent snapshot of the database and the raw C3D files it references, taken
 * while the server runs, as one gzip-compressed tar (docs/decisions/071-admin-cli-and-backups.md):
 *
 *   db/<table>/<00001>.ndjson    the table's rows, one `row_to_json` per line, in primary-key order
 *   files/<aa>/<sha256>.c3d      every raw file a backed-up session references
 *   manifest.json                format, migrations, tables and files with their sha256 (last entry)
 *
 * The rows are read in ONE repeatable-read, read-only transaction, so they are one instant of the
 * database; uploads go on meanwhile (on PGlite they wait for the transaction: it has one
 * connection). Raw files are written before their session commits and never change (their key is
 * their hash), so every file the snapshot references exists and is read after the transaction.
 * Plain `tar -xzf` opens it: the raw files are there under their hashes.
 */
import type { Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGzip } from "node:zlib";
import tar from "tar-stream";
import type { Db } from "~/lib/server/db/types.server";
import { sha256Hex, type BlobStorage } from "~/lib/server/storage/blobs.server";
import { describeTables, MIGRATIONS_TABLE, quoteIdent } from "./tables.server";

export const BACKUP_FORMAT = "ghostly-backup";
export const BACKUP_VERSION = 1;

export interface ManifestEntry {
  path: string;
  sha256: string;
  sizeBytes: number;
}

export interface BackupManifest {
  format: typeof BACKUP_FORMAT;
  version: typeof BACKUP_VERSION;
  createdAt: string;
  /** The driver it was taken from; a backup restores onto either. */
  driver: Db["driver"];
  /** The migrations the snapshot's schema had (a restore applies exactly these before loading rows). */
  migrations: { name: string; checksum: string }[];
  tables: { name: string; rows: number; parts: (ManifestEntry & { rows: number })[] }[];
  files: ManifestEntry[];
}

/** Rows per query page, and the size at which a table's rows start a new part. */
const PAGE_ROWS = 500;
const PART_BYTES = 4 * 1024 * 1024;

export interface BackupSummary {
  manifest: BackupManifest;
  sessions: number;
}

/** Writes the backup archive to `out` (ended when done). */
export async function writeBackup(db: Db, storage: BlobStorage, out: Writable): Promise<BackupSummary> {
  const pack = tar.pack();
  const gzip = createGzip();
  const piping = pipeline(pack, gzip, out);
  piping.catch(() => undefined); // awaited below; a failing sink also fails the next entry

  const add = (name: string, bytes: Buffer): Promise<ManifestEntry> =>
    new Promise((resolve, reject) => {
      pack.entry({ name, size: bytes.byteLength, mode: 0o600, mtime: new Date() }, bytes, (error) =>
        error ? reject(error) : resolve({ path: name, sha256: sha256Hex(bytes), sizeBytes: bytes.byteLength }),
      );
    });

  try {
    const { manifest, fileHashes } = await db.transaction(async (tx) => {
      // Must be the first statement of the transaction.
      await tx.query("set transaction isolation level repeatable read, read only");
      const migrations = (
        await tx.query<{ name: string; checksum: string }>(`select name, checksum from ${MIGRATIONS_TABLE} order by name`)
      ).rows;
      const tables: BackupManifest["tables"] = [];
      for (const table of await describeTables(tx)) {
        const parts: BackupManifest["tables"][number]["parts"] = [];
        let lines: string[] = [];
        let bytes = 0;
        let total = 0;
        const flush = async () => {
          if (lines.length === 0) return;
          const entry = await add(
            `db/${table.name}/${String(parts.length + 1).padStart(5, "0")}.ndjson`,
            Buffer.from(lines.join("\n") + "\n"),
          );
          parts.push({ ...entry, rows: lines.length });
          lines = [];
          bytes = 0;
        };
        const key = table.primaryKey.map(quoteIdent).join(", ");
        let after: unknown[] | null = null;
        for (;;) {
          const params: unknown[] = [PAGE_ROWS];
          const bound: unknown[] = after ?? [];
          const where: string = bound.length > 0 ? `where (${key}) > (${bound.map((v) => `$${params.push(v)}`).join(", ")})` : "";
          const page: { rows: { row: string; key: unknown[] }[] } = await tx.query<{ row: string; key: unknown[] }>(
            `select row_to_json(t)::text as row, json_build_array(${table.primaryKey.map((c) => `t.${quoteIdent(c)}`).join(", ")}) as key
               from ${quoteIdent(table.name)} t ${where} order by ${key} limit $1`,
            params,
          );
          for (const { row } of page.rows) {
            lines.push(row);
            bytes += row.length + 1;
            total += 1;
            if (bytes >= PART_BYTES) await flush();
          }
          if (page.rows.length < PAGE_ROWS) break;
          after = page.rows[page.rows.length - 1].key;
        }
        await flush();
        tables.push({ name: table.name, rows: total, parts });
      }
      const files = (await tx.query<{ sha: string }>("select distinct file_sha256 as sha from therapy_sessions order by 1")).rows;
      const createdAt = (await tx.query<{ now: string }>("select to_json(now())#>>'{}' as now")).rows[0].now;
      const manifest: BackupManifest = {
        format: BACKUP_FORMAT,
        version: BACKUP_VERSION,
        createdAt,
        driver: db.driver,
        migrations,
        tables,
        files: [],
      };
      return {
        manifest,
        fileHashes: files.map((f) => f.sha),
      };
    });

    for (const sha of fileHashes) {
      const bytes = await storage.get(sha);
      if (!bytes) throw new Error(`the raw file ${sha} of a stored session is missing from ${storage.objects.location}`);
      const entry = await add(`files/${sha.slice(0, 2)}/${sha}.c3d`, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      if (entry.sha256 !== sha) throw new Error(`the raw file stored as ${sha} has the sha256 ${entry.sha256}: storage is damaged`);
      manifest.files.push(entry);
    }
    await add("manifest.json", Buffer.from(JSON.stringify(manifest, null, 2) + "\n"));
    pack.finalize();
    await piping;
    const sessions = manifest.tables.find((t) => t.name === "therapy_sessions")?.rows ?? 0;
    return { manifest, sessions };
  } catch (error) {
    pack.destroy(error as Error);
    await piping.catch(() => undefined);
    throw error;
  }
}
