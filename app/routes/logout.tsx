import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { signOut } from "~/lib/server/auth/sign-in.server";
import { requireCsrf } from "~/lib/server/auth/permissions.server";

/** Signing out is a POST with the CSRF token: a link or image elsewhere cannot sign anyone out. */
export async function action({ request }: ActionFunctionArgs) {
  await requireCsrf(request, await request.formData());
  return signOut(request, "/login");
}

export function loader() {
  return redirect("/");
}
