/**
 * Generated documentation cannot drift: the field dictionary covers exactly the schema, and the
 * committed docs/examples + docs/field-dictionary.md equal what scripts/generate-export-examples.ts
 * produces from the current code (regenerate with `npx tsx scripts/generate-export-examples.ts`).
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { FIELD_DICTIONARY, schemaPaths } from "~/lib/export";
import { sessionExportSchema } from "~/lib/export/schema";
import { generatedFiles } from "../../../scripts/generate-export-examples";

describe("field dictionary", () => {
  it("documents every field of the schema and nothing else", () => {
    const paths = schemaPaths();
    expect(paths.filter((p) => !(p in FIELD_DICTIONARY))).toEqual([]);
    expect(Object.keys(FIELD_DICTIONARY).filter((p) => !paths.includes(p))).toEqual([]);
    for (const [p, doc] of Object.entries(FIELD_DICTIONARY)) expect(doc.meaning.length, p).toBeGreaterThan(3);
  });
});

describe("generated docs", () => {
  const files = generatedFiles();

  it("are up to date (else run: npx tsx scripts/generate-export-examples.ts)", () => {
    for (const [relative, content] of Object.entries(files)) {
      expect(readFileSync(relative, "utf8"), `${relative} is stale`).toBe(content);
    }
  });

  it("the example JSON export is a valid export with a fixed timestamp", () => {
    const json = Object.entries(files).find(([name]) => name.endsWith("_export.json"))?.[1] ?? "";
    const exp = sessionExportSchema.parse(JSON.parse(json));
    expect(exp.export_metadata.export_timestamp).toBe("2026-01-01T00:00:00.000Z");
    expect(exp.errors).toBeUndefined();
  });
});
