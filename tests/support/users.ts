/**
 * Test users and patients: inserted straight into their tables (the app's own code is not needed
 * to own data).
 */
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
  const { rows } = await db.query<{ id: string }>("insert into users (email, display_name, role) values ($1, $2, $3) returning id", [
    email.toLowerCase(),
    displayName,
    role,
  ]);
  return { userId: rows[0].id, role, email: email.toLowerCase(), displayName };
}

/** An admin acting on the account store: the account functions check the caller's role, not its row. */
export const ACTING_ADMIN: Caller = { userId: "00000000-0000-4000-8000-0000000000ad", role: "admin" };

/** The caller a stored user is once signed in. */
export function callerOf(user: { id: string; role: Role }): Caller {
  return { userId: user.id, role: user.role };
}

/** A patient of this therapist, with a stored MVC if given (the app itself only creates patients on upload). */
export async function insertPatient(
  db: Queryable,
  code: string,
  therapist: Caller,
  mvc: { mvcCh1?: number; mvcCh2?: number } = {},
): Promise<void> {
  await db.query("insert into patients (code, therapist_id, mvc_ch1, mvc_ch2) values ($1, $2, $3, $4)", [
    code,
    therapist.userId,
    mvc.mvcCh1 ?? null,
    mvc.mvcCh2 ?? null,
  ]);
}
