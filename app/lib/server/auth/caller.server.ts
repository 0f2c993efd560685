/**
 * Who is asking. Every repository function takes the caller first and scopes by it; the auth
 * module turns a browser session or an API token into a Caller. What a role may do is the
 * policy's (app/lib/policy).
 */
import type { Role } from "~/lib/policy";

export type { Role };

export interface Caller {
  userId: string;
  role: Role;
}
