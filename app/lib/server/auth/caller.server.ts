/**
 * Who is asking. Every repository function takes the caller first and scopes by it; the auth
 * module turns a browser session or an API token into a Caller. What a role may do is the
 * policy's (app/lib/policy).
 */
import { can, type Action, type Role } from "~/lib/policy";
import { ForbiddenError } from "~/lib/server/errors.server";

export type { Role };

export interface Caller {
  userId: string;
  role: Role;
}

/**
 * For repositories: throws ForbiddenError when the caller's role may not do `action` at all
 * (`what` names it in the message). Which rows the caller may touch is `patientScope`'s business.
 */
export function assertCan(caller: Caller, action: Action, what: string): void {
  if (!can(caller, action)) throw new ForbiddenError(`a ${caller.role} cannot ${what}`);
}
