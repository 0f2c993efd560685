/** Test users: inserted straight into `users` (the auth module's own code is not needed to own data). */
import { randomUUID } from "node:crypto";
import type { Caller, Role } from "~/lib/server/auth/caller.server";
import type { Queryable } from "~/lib/server/db/types.server";

export async function insertUser(
  db: Queryable,
  role: Role,
  options: { email?: string; displayName?: string } = {},
): Promise<Caller & { email: string; displayName: string }> {
  const email = options.email ?? `${role}-${randomUUID().slice(0, 8)}@example.org`;
  const displayName = options.displayName ?? `Test ${role}`;
  const { rows } = await db.query<{ id: string }>(
    "insert into users (email, display_name, role) values ($1, $2, $3) returning id",
    [email.toLowerCase(), displayName, role],
  );
  return { userId: rows[0].id, role, email: email.toLowerCase(), displayName };
}
