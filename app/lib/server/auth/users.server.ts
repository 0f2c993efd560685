import { pgErrorCode } from "~/lib/server/db/errors.server";
import type { Db, Queryable } from "~/lib/server/db/types.server";
import { hashPassword, passwordProblem, verifyAgainstDummy, verifyPassword } from "~/lib/server/auth/passwords.server";

import { isRole, ROLES, type Role } from "~/lib/policy";
import { isUuid } from "~/lib/server/repositories/patients.server";


/** A user as the app sees it: never carries the password hash. */
export interface User {
  id: string;
  email: string;
  displayName: string;
  role: Role;
  active: boolean;
  createdAt: Date;
}

export interface UserRow {
  id: string;
  email: string;
  display_name: string;
  role: Role;
  active: boolean;
  created_at: Date | string;
}

/** The user columns, optionally qualified by a table alias (for joins). */
export function userColumns(alias?: string): string {
  const cols = ["id", "email", "display_name", "role", "active", "created_at"];
  return alias ? cols.map((c) => `${alias}.${c}`).join(", ") : cols.join(", ");
}
const USER_COLUMNS = userColumns();

export function toUser(row: UserRow): User {
  return {
    id: row.id,
    email: row.email,
    displayName: row.display_name,
    role: row.role,
    active: row.active,
    createdAt: new Date(row.created_at),
  };
}

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** A field-level validation failure, shown next to the field. */
export class UserInputError extends Error {
  constructor(
    readonly field: "email" | "displayName" | "password" | "role",
    message: string,
  ) {
    super(message);
  }
}

const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export interface NewUser {
  email: string;
  displayName: string;
  password: string;
  role: Role;
}

function validateNewUser(input: NewUser): NewUser {
  const email = normalizeEmail(input.email);
  if (!EMAIL_PATTERN.test(email) || email.length > 254) throw new UserInputError("email", "Enter a valid email address.");
  const displayName = input.displayName.trim();
  if (displayName.length === 0 || displayName.length > 120)
    throw new UserInputError("displayName", "Enter a name of 1 to 120 characters.");
  if (!isRole(input.role)) throw new UserInputError("role", `Role must be one of ${ROLES.join(", ")}.`);
  const problem = passwordProblem(input.password);
  if (problem) throw new UserInputError("password", problem);
  return { email, displayName, password: input.password, role: input.role };
}


export async function createUser(db: Queryable, input: NewUser): Promise<User> {
  const valid = validateNewUser(input);
  const passwordHash = await hashPassword(valid.password);
  try {
    const { rows } = await db.query<UserRow>(
      `INSERT INTO users (email, display_name, password_hash, role, active)
       VALUES ($1, $2, $3, $4, true) RETURNING ${USER_COLUMNS}`,
      [valid.email, valid.displayName, passwordHash, valid.role],
    );
    return toUser(rows[0]);
  } catch (error) {
    if (pgErrorCode(error) === "23505") throw new UserInputError("email", "A user with this email already exists.");
    throw error;
  }
}

/**
 * Creates the first admin only while the users table is empty. The table lock serialises two
 * concurrent /setup submissions so that exactly one of them wins.
 */
export async function createFirstAdmin(
  db: Pick<Db, "transaction">,
  input: Omit<NewUser, "role">,
): Promise<User | null> {
  const valid = validateNewUser({ ...input, role: "admin" });
  const passwordHash = await hashPassword(valid.password);
  return db.transaction(async (tx) => {
    await tx.query("LOCK TABLE users IN SHARE ROW EXCLUSIVE MODE");
    const { rows: existing } = await tx.query<{ n: number }>("SELECT count(*)::int AS n FROM users");
    if (existing[0].n > 0) return null;
    const { rows } = await tx.query<UserRow>(
      `INSERT INTO users (email, display_name, password_hash, role, active)
       VALUES ($1, $2, $3, 'admin', true) RETURNING ${USER_COLUMNS}`,
      [valid.email, valid.displayName, passwordHash],
    );
    return toUser(rows[0]);
  });
}

export async function countUsers(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM users");
  return rows[0].n;
}

export async function getUserById(db: Queryable, id: string): Promise<User | null> {
  if (!isUuid(id)) return null;
  const { rows } = await db.query<UserRow>(`SELECT ${USER_COLUMNS} FROM users WHERE id = $1`, [id]);
  return rows[0] ? toUser(rows[0]) : null;
}

export async function listUsers(db: Queryable): Promise<User[]> {
  const { rows } = await db.query<UserRow>(`SELECT ${USER_COLUMNS} FROM users ORDER BY lower(display_name), email`);
  return rows.map(toUser);
}

/**
 * Email + password check. Unknown email, wrong password and deactivated account all give null
 * (and take the same time), so the caller can only show one generic message.
 */
export async function authenticate(db: Queryable, email: string, password: string): Promise<User | null> {
  const { rows } = await db.query<UserRow & { password_hash: string | null }>(
    `SELECT ${USER_COLUMNS}, password_hash FROM users WHERE email = $1`,
    [normalizeEmail(email)],
  );
  const row = rows[0];
  if (!row || !row.password_hash) return verifyAgainstDummy(password).then(() => null);
  const ok = await verifyPassword(password, row.password_hash);
  return ok && row.active ? toUser(row) : null;
}

// Every change below that ends the user's sessions does so in the same statement (a CTE), so no
// request can see the new password, role or state together with a session that should be gone
// (docs/decisions/036-revocable-sessions.md).

/**
 * Sets a new password and ends every signed-in session of the user — all of them: the caller
 * changing their own password opens a new one for the browser it uses (`reopenSession`).
 */
export async function setPassword(db: Queryable, userId: string, password: string): Promise<void> {
  const problem = passwordProblem(password);
  if (problem) throw new UserInputError("password", problem);
  if (!isUuid(userId)) throw new UserInputError("email", "No such user.");
  const passwordHash = await hashPassword(password);
  const { rows } = await db.query<{ id: string }>(
    `with changed as (UPDATE users SET password_hash = $2, updated_at = now() WHERE id = $1 RETURNING id),
          ended as (DELETE FROM auth_sessions WHERE user_id IN (SELECT id FROM changed))
     SELECT id FROM changed`,
    [userId, passwordHash],
  );
  if (!rows[0]) throw new UserInputError("email", "No such user.");
}

/**
 * Deactivation ends every session and revokes every API token of the user, so reactivating
 * revives neither: the user signs in again and creates new tokens.
 */
export async function setActive(db: Queryable, userId: string, active: boolean): Promise<void> {
  if (!isUuid(userId)) throw new UserInputError("email", "No such user.");
  const { rows } = await db.query<{ id: string }>(
    `with changed as (UPDATE users SET active = $2, updated_at = now() WHERE id = $1 RETURNING id),
          ended as (DELETE FROM auth_sessions WHERE NOT $2 AND user_id IN (SELECT id FROM changed)),
          revoked as (UPDATE api_tokens SET revoked_at = now()
                       WHERE NOT $2 AND revoked_at IS NULL AND user_id IN (SELECT id FROM changed))
     SELECT id FROM changed`,
    [userId, active],
  );
  if (!rows[0]) throw new UserInputError("email", "No such user.");
}

/** A new role ends the user's sessions: they sign in again and see what the new role may. */
export async function setRole(db: Queryable, userId: string, role: Role): Promise<void> {
  if (!isUuid(userId)) throw new UserInputError("email", "No such user.");
  if (!isRole(role)) throw new UserInputError("role", `Role must be one of ${ROLES.join(", ")}.`);
  const { rows } = await db.query<{ id: string }>(
    `with changed as (UPDATE users SET role = $2, updated_at = now() WHERE id = $1 AND role <> $2 RETURNING id),
          ended as (DELETE FROM auth_sessions WHERE user_id IN (SELECT id FROM changed))
     SELECT id FROM users WHERE id = $1`,
    [userId, role],
  );
  if (!rows[0]) throw new UserInputError("email", "No such user.");
}
