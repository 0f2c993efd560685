/**
 * The export contract as JSON Schema (draft 2020-12), served at GET /api/export/schema.json:
 * generated from the zod schema (z.toJSONSchema) and annotated with the field dictionary, so
 * consumers in other languages validate against exactly what the app validates against.
 */
import { z } from "zod";
import { FIELD_DICTIONARY } from "./dictionary";
import { EXPORT_VERSION, sessionExportSchema } from "./schema";

type JsonSchemaNode = {
  description?: string;
  properties?: Record<string, JsonSchemaNode>;
  additionalProperties?: JsonSchemaNode | boolean;
  items?: JsonSchemaNode;
  anyOf?: JsonSchemaNode[];
  [key: string]: unknown;
};

function recordKey(path: string): string {
  if (path === "scoring_configuration.rpe_mapping") return "<rpe>";
  if (path === "debug") return "<key>";
  return "<id>";
}

function annotate(node: JsonSchemaNode, path: string): void {
  const doc = FIELD_DICTIONARY[path];
  if (doc && path) node.description = doc.unit ? `${doc.meaning} [${doc.unit}] — ${doc.source}` : `${doc.meaning} — ${doc.source}`;
  for (const branch of node.anyOf ?? []) annotate(branch, path);
  for (const [key, child] of Object.entries(node.properties ?? {})) annotate(child, path ? `${path}.${key}` : key);
  if (node.additionalProperties && typeof node.additionalProperties === "object") {
    annotate(node.additionalProperties, `${path}.${recordKey(path)}`);
  }
  if (node.items) annotate(node.items, `${path}[]`);
  // Descriptions of nullable branches live on the outer node only.
  if (node.anyOf) for (const branch of node.anyOf) delete branch.description;
}

/** JSON Schema of the full export (`SessionExport`), with a description on every documented field. */
export function exportJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(sessionExportSchema) as JsonSchemaNode;
  annotate(schema, "");
  return {
    ...schema,
    $id: `urn:ghostly-emg:session-export:${EXPORT_VERSION}`,
    title: `GHOSTLY+ canonical session export ${EXPORT_VERSION}`,
  };
}
