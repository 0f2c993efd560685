/**
 * The accounts. What the sign-in and the first-run setup need takes no caller (nobody is signed
 * in yet); what an admin does to accounts takes the admin first and refuses anybody else.
 */
import { isRole, ROLES, type Role } from "~/lib/policy";
import { assertCan, type Caller } from "~/lib/server/auth/caller.server";
import { hashPassword, passwordProblem, verifyAgainstDummy, verifyPassword } from "~/lib/server/auth/passwords.server";
import { pgErrorCode } from "~/lib/server/db/errors.server";
import { isUuid } from "~/lib/server/db/ids.server";
import { dbOf, type QueryOptions, type RepositoryOptions } from "~/lib/server/repositories/options.server";

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
  if (displayName.length === 0 || displayName.length > 120) throw new UserInputError("displayName", "Enter a name of 1 to 120 characters.");
  if (!isRole(input.role)) throw new UserInputError("role", `Role must be one of ${ROLES.join(", ")}.`);
  const problem = passwordProblem(input.password);
  if (problem) throw new UserInputError("password", problem);
  return { email, displayName, password: input.password, role: input.role };
}

/** An admin creates an account (any role). */
export async function createUser(caller: Caller, input: NewUser, options: QueryOptions = {}): Promise<User> {
  assertCan(caller, "admin", "create users");
  const valid = validateNewUser(input);
  const db = await dbOf(options);
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
export async function createFirstAdmin(input: Omit<NewUser, "role">, options: RepositoryOptions = {}): Promise<User | null> {
  const valid = validateNewUser({ ...input, role: "admin" });
  const passwordHash = await hashPassword(valid.password);
  const db = await dbOf(options);
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

export async function countUsers(options: QueryOptions = {}): Promise<number> {
  const db = await dbOf(options);
  const { rows } = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM users");
  return rows[0].n;
}

export async function getUserById(id: string, options: QueryOptions = {}): Promise<User | null> {
  if (!isUuid(id)) return null;
  const db = await dbOf(options);
  const { rows } = await db.query<UserRow>(`SELECT ${USER_COLUMNS} FROM users WHERE id = $1`, [id]);
  return rows[0] ? toUser(rows[0]) : null;
}

export async function listUsers(caller: Caller, options: QueryOptions = {}): Promise<User[]> {
  assertCan(caller, "admin", "list users");
  const db = await dbOf(options);
  const { rows } = await db.query<UserRow>(`SELECT ${USER_COLUMNS} FROM users ORDER BY lower(display_name), email`);
  return rows.map(toUser);
}

/**
 * Email + password check. Unknown email, wrong password and deactivated account all give null
 * (and take the same time), so the caller can only show one generic message.
 */
export async function authenticate(email: string, password: string, options: QueryOptions = {}): Promise<User | null> {
  const db = await dbOf(options);
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
// (docs/decisions/038-revocable-sessions.md).

/**
 * Sets a new password — one's own, or anybody's for an admin — and ends every signed-in session of
 * the user, all of them: the caller changing their own password opens a new one for the browser it
 * uses (`reopenSession`).
 */
export async function setPassword(caller: Caller, userId: string, password: string, options: QueryOptions = {}): Promise<void> {
  if (userId !== caller.userId) assertCan(caller, "admin", "change other users' passwords");
  const problem = passwordProblem(password);
  if (problem) throw new UserInputError("password", problem);
  if (!isUuid(userId)) throw new UserInputError("email", "No such user.");
  const passwordHash = await hashPassword(password);
  const db = await dbOf(options);
  const { rows } = await db.query<{ id: string }>(
    `with changed as (UPDATE users SET password_hash = $2, updated_at = now() WHERE id = $1 RETURNING id),
          ended as (DELETE FROM auth_sessions WHERE user_id IN (SELECT id FROM changed))
     SELECT id FROM changed`,
    [userId, passwordHash],
  );
  if (!rows[0]) throw new UserInputError("email", "No such user.");
}

/**
 * An admin deactivates (or reactivates) an account. Deactivation ends every session and revokes
 * every API token of the user, so reactivating revives neither: the user signs in again and
 * creates new tokens.
 */
export async function setActive(caller: Caller, userId: string, active: boolean, options: QueryOptions = {}): Promise<void> {
  assertCan(caller, "admin", "deactivate users");
  if (!isUuid(userId)) throw new UserInputError("email", "No such user.");
  const db = await dbOf(options);
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
export async function setRole(caller: Caller, userId: string, role: Role, options: QueryOptions = {}): Promise<void> {
  assertCan(caller, "admin", "change roles");
  if (!isUuid(userId)) throw new UserInputError("email", "No such user.");
  if (!isRole(role)) throw new UserInputError("role", `Role must be one of ${ROLES.join(", ")}.`);
  const db = await dbOf(options);
  const { rows } = await db.query<{ id: string }>(
    `with changed as (UPDATE users SET role = $2, updated_at = now() WHERE id = $1 AND role <> $2 RETURNING id),
          ended as (DELETE FROM auth_sessions WHERE user_id IN (SELECT id FROM changed))
     SELECT id FROM users WHERE id = $1`,
    [userId, role],
  );
  if (!rows[0]) throw new UserInputError("email", "No such user.");
}
