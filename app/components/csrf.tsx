import { useRouteLoaderData } from "@remix-run/react";

/** The part of the root loader's data the CSRF field needs. */
interface RootCsrfData {
  csrf?: string;
}

/**
 * Hidden CSRF field for every state-changing <Form method="post">. The token comes from the root
 * loader; the action checks it with `await requireCsrf(request, formData)`.
 */
export function CsrfInput() {
  const data = useRouteLoaderData<RootCsrfData>("root");
  return <input type="hidden" name="csrf" value={data?.csrf ?? ""} />;
}
