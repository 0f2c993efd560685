/**
 * The admin CLI's commands that work on an open database and storage. The CLI runs them itself
 * (DATABASE_URL, or an embedded database no server holds) or asks the server holding the embedded
 * database to run them (socket.server.ts): the same code either way.
 */
import { isRole, ROLES } from "~/lib/policy";
import { createApiToken, TokenInputError } from "~/lib/server/auth/api-tokens.server";
import { createUser, listUsers, normalizeEmail, setActive, UserInputError } from "~/lib/server/auth/users.server";
import { migrate, migrationStatus } from "~/lib/server/db/migrations.server";
import type { Db } from "~/lib/server/db/types.server";
import type { Caller, Role } from "~/lib/server/auth/caller.server";
import type { BlobStorage } from "~/lib/server/storage/blobs.server";

export type AdminRequest =
  | { command: "create-user"; email: string; role: string; name: string; password: string }
  | { command: "create-token"; email: string; name: string; scopes: string[]; days?: number }
  | { command: "list-users" }
  | { command: "deactivate"; email: string }
  | { command: "migrate" }
  | { command: "reprocess"; allOutdated: boolean; sessionId?: string };

export interface AdminResult {
  /** What the command prints on stdout (a token, a table, a one-line confirmation). */
  stdout: string;
}

/** A refusal the CLI reports with exit code 1 (bad arguments are exit 2, caught before this). */
export class AdminCommandError extends Error {
  override name = "AdminCommandError";
}

export interface AdminContext {
  db: Db;
  storage: BlobStorage;
}

/**
 * Who the CLI acts as: an administrator without an account. Whoever can run it owns DATA_DIR or
 * holds the database URL, and so every row anyway; the account functions check the role only.
 */
export const CLI_ADMIN: Caller = { userId: "00000000-0000-4000-8000-000000000000", role: "admin" };

async function userByEmail(db: Db, email: string): Promise<Caller> {
  const { rows } = await db.query<{ id: string; role: Role }>("select id, role from users where email = $1", [normalizeEmail(email)]);
  if (!rows[0]) throw new AdminCommandError(`no user with the email ${email}`);
  return { userId: rows[0].id, role: rows[0].role };
}

const table = (rows: string[][]) => {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return (
    rows
      .map((r) =>
        r
          .map((cell, i) => cell.padEnd(widths[i]))
          .join("  ")
          .trimEnd(),
      )
      .join("\n") + "\n"
  );
};

export async function runAdminCommand(context: AdminContext, request: AdminRequest): Promise<AdminResult> {
  const { db } = context;
  try {
    switch (request.command) {
      case "create-user": {
        if (!isRole(request.role)) throw new AdminCommandError(`--role must be one of ${ROLES.join(", ")}`);
        const user = await createUser(
          CLI_ADMIN,
          { email: request.email, displayName: request.name, password: request.password, role: request.role },
          { db },
        );
        return { stdout: `created ${user.role} ${user.email} (${user.id})\n` };
      }
      case "create-token": {
        // A token of that user's own, within what their role may do.
        const { token } = await createApiToken(await userByEmail(db, request.email), request.name, {
          db,
          scopes: request.scopes,
          days: request.days,
        });
        // The token alone on stdout, so `TOKEN=$(npm run -s admin -- create-token …)` works; shown this once.
        return { stdout: `${token}\n` };
      }
      case "list-users": {
        const users = await listUsers(CLI_ADMIN, { db });
        return {
          stdout: table([
            ["EMAIL", "ROLE", "ACTIVE", "NAME", "CREATED"],
            ...users.map((u) => [u.email, u.role, u.active ? "yes" : "no", u.displayName, u.createdAt.toISOString().slice(0, 10)]),
          ]),
        };
      }
      case "deactivate": {
        await setActive(CLI_ADMIN, (await userByEmail(db, request.email)).userId, false, { db });
        return { stdout: `deactivated ${normalizeEmail(request.email)}: signed out everywhere, tokens stop working\n` };
      }
      case "migrate": {
        const applied = await migrate(db);
        const status = await migrationStatus(db);
        return {
          stdout:
            applied.length > 0
              ? `applied ${applied.join(", ")}; ${status.applied} migrations in all\n`
              : `up to date: ${status.applied} migrations applied\n`,
        };
      }
      case "reprocess":
        // Re-processing a stored session from its kept C3D is issue 14's (other channels, parameters,
        // scoring configuration or pipeline version, with history). Until it exists, say so plainly.
        throw new AdminCommandError(
          "reprocess is not available yet: re-processing stored sessions arrives with the re-processing feature (issue 14); nothing was changed",
        );
    }
  } catch (error) {
    if (error instanceof UserInputError || error instanceof TokenInputError) throw new AdminCommandError(error.message);
    throw error;
  }
}
