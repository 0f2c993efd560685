/**
 * JSON renderings of the canonical export. Pure (browser-safe), like the CSV renderers.
 */
import type { AnyExport } from "./build";

/** One export as pretty-printed JSON (2-space indent, trailing newline). */
export function renderJson(exp: AnyExport): string {
  return `${JSON.stringify(exp, null, 2)}\n`;
}

/**
 * Many exports as one JSON array, streamed element by element (compact, one element a line), so a
 * batch of any size is written in constant memory. An empty input gives `[]`.
 */
export async function* renderBatchJson(exports: AsyncIterable<AnyExport> | Iterable<AnyExport>): AsyncGenerator<string, void, undefined> {
  let first = true;
  for await (const exp of exports) {
    yield `${first ? "[\n" : ",\n"}${JSON.stringify(exp)}`;
    first = false;
  }
  yield first ? "[]\n" : "\n]\n";
}
