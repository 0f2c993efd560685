import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { signOut, signOutEverywhere } from "~/lib/server/auth/sign-in.server";
import { getSignedInUser, requireCsrf } from "~/lib/server/auth/permissions.server";
import { requireForm } from "~/lib/server/http/form.server";

/**
 * Signing out is a POST with the CSRF token: a link or image elsewhere cannot sign anyone out.
 * `scope=everywhere` (the account page's button) ends every session of the user, not only this one.
 */
export async function action({ request }: ActionFunctionArgs) {
  const form = await requireForm(request);
  await requireCsrf(request, form);
  if (form.get("scope") === "everywhere") {
    const user = await getSignedInUser(request);
    if (user) return signOutEverywhere(request, user.id, "/login");
  }
  return signOut(request, "/login");
}

export function loader() {
  return redirect("/");
}
