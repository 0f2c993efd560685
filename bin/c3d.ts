/**
 * `npm run -s c3d -- <file.c3d>`: parses a C3D file and prints its summary, parameter groups and
 * per-channel analog statistics as JSON (field names as in tests/fixtures/reference/c3d/*.json).
 * Exit code 2 with a message on stderr when the file cannot be read or is not a valid C3D.
 */
import { readFileSync } from "node:fs";
import { readC3d, C3dError } from "../app/lib/c3d/index";
import { summarizeC3d } from "../app/lib/c3d/summary";

const path = process.argv[2];
if (!path) {
  process.stderr.write("usage: npm run -s c3d -- <file.c3d>\n");
  process.exit(2);
}
try {
  const file = readC3d(new Uint8Array(readFileSync(path)));
  process.stdout.write(`${JSON.stringify(summarizeC3d(file), null, 2)}\n`);
} catch (error) {
  if (error instanceof C3dError) {
    process.stderr.write(`${path}: ${error.message}\n`);
  } else {
    process.stderr.write(`${path}: ${error instanceof Error ? error.message : String(error)}\n`);
  }
  process.exit(2);
}
