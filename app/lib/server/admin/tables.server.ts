/**
 * The app's tables as the database describes them, for backup and restore: every base table of
 * the public schema except the migration ledger, parents before children (foreign keys), with
 * their primary key (for paging in a stable order), the columns a restore can write (not
 * generated ones) and the identity columns whose sequences a restore must move on.
 */
import type { Queryable } from "~/lib/server/db/types.server";

export interface TableShape {
  name: string;
  primaryKey: string[];
  /** Columns that take values on insert (generated columns are recomputed). */
  writable: string[];
  identity: string[];
}

/** The migration runner's own table: the restore rebuilds it by running the migrations. */
export const MIGRATIONS_TABLE = "app_schema_migrations";

export const quoteIdent = (name: string) => `"${name.replaceAll('"', '""')}"`;

export async function describeTables(db: Queryable): Promise<TableShape[]> {
  const tables = (
    await db.query<{ name: string }>(
      `select table_name as name from information_schema.tables
        where table_schema = 'public' and table_type = 'BASE TABLE' and table_name <> $1 order by table_name`,
      [MIGRATIONS_TABLE],
    )
  ).rows.map((r) => r.name);
  const columns = (
    await db.query<{ table_name: string; column_name: string; is_generated: string; is_identity: string }>(
      // serial/bigserial columns (a nextval default) need their sequence moved on just like identity ones.
      `select table_name, column_name, is_generated,
              case when is_identity = 'YES' or column_default like 'nextval(%' then 'YES' else 'NO' end as is_identity
         from information_schema.columns
        where table_schema = 'public' order by table_name, ordinal_position`,
    )
  ).rows;
  const keys = (
    await db.query<{ table_name: string; column_name: string }>(
      `select c.relname as table_name, a.attname as column_name
         from pg_constraint k
         join pg_class c on c.oid = k.conrelid
         join pg_namespace n on n.oid = c.relnamespace and n.nspname = 'public'
         cross join lateral unnest(k.conkey) with ordinality as key(attnum, position)
         join pg_attribute a on a.attrelid = c.oid and a.attnum = key.attnum
        where k.contype = 'p'
        order by c.relname, key.position`,
    )
  ).rows;
  const references = (
    await db.query<{ child: string; parent: string }>(
      `select distinct c.relname as child, p.relname as parent
         from pg_constraint k
         join pg_class c on c.oid = k.conrelid
         join pg_class p on p.oid = k.confrelid
         join pg_namespace n on n.oid = c.relnamespace and n.nspname = 'public'
        where k.contype = 'f' and c.relname <> p.relname`,
    )
  ).rows;

  const shapes = new Map(
    tables.map((name) => {
      const own = columns.filter((c) => c.table_name === name);
      const primaryKey = keys.filter((k) => k.table_name === name).map((k) => k.column_name);
      if (primaryKey.length === 0) throw new Error(`table ${name} has no primary key: a backup could not page through it`);
      return [
        name,
        {
          name,
          primaryKey,
          writable: own.filter((c) => c.is_generated === "NEVER").map((c) => c.column_name),
          identity: own.filter((c) => c.is_identity === "YES").map((c) => c.column_name),
        },
      ] as const;
    }),
  );

  // Parents first; ties by name, so the order is the same on every database with this schema.
  const ordered: TableShape[] = [];
  const placed = new Set<string>();
  while (placed.size < shapes.size) {
    const ready = tables.filter(
      (name) => !placed.has(name) && references.every((r) => r.child !== name || placed.has(r.parent) || !shapes.has(r.parent)),
    );
    if (ready.length === 0) throw new Error("the tables' foreign keys form a cycle: no order to restore them in");
    for (const name of ready) {
      placed.add(name);
      ordered.push(shapes.get(name)!);
    }
  }
  return ordered;
}
