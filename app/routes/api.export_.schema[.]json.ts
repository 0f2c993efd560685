/** GET /api/export/schema.json — the export contract as JSON Schema (no health data: public). */
import { exportJsonSchema } from "~/lib/export";
import { secureResource } from "~/lib/server/http/security-headers.server";

// The schema is fixed per build: generate it (z.toJSONSchema + annotations, milliseconds) once, on first request.
let body: string | undefined;

function loaderUnsecured() {
  body ??= `${JSON.stringify(exportJsonSchema(), null, 2)}\n`;
  return new Response(body, {
    headers: { "Content-Type": "application/schema+json; charset=utf-8", "Cache-Control": "public, max-age=300" },
  });
}

export const loader = secureResource(loaderUnsecured);
