/** GET /api/export/schema.json — the export contract as JSON Schema (no health data: public). */
import { exportJsonSchema } from "~/lib/export";

export function loader() {
  return new Response(`${JSON.stringify(exportJsonSchema(), null, 2)}\n`, {
    headers: { "Content-Type": "application/schema+json; charset=utf-8", "Cache-Control": "public, max-age=300" },
  });
}
