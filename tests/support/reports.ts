/**
 * Real readers of the reports, as a person's tools would read them: poppler's pdfinfo, pdftotext
 * and pdftoppm (Debian poppler-utils) for the PDFs, python3-openpyxl for the workbooks. A missing
 * tool fails the test loudly (.ci/run installs them).
 */
import { execFileSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import path from "node:path";

/** pdfinfo's page count. */
export function pdfPageCount(file: string): number {
  const info = execFileSync("pdfinfo", [file], { encoding: "utf8" });
  const m = /^Pages:\s+(\d+)$/m.exec(info);
  if (!m) throw new Error(`pdfinfo printed no page count for ${file}:\n${info}`);
  return Number(m[1]);
}

/** The PDF's text as pdftotext extracts it (reading order), whitespace runs collapsed to one space. */
export function pdfText(file: string): string {
  return execFileSync("pdftotext", [file, "-"], { encoding: "utf8" }).replace(/\s+/g, " ");
}

/** Renders every page with pdftoppm (72 dpi PNG) into `dir`; returns the PNG files, page order. */
export function renderPdfPages(file: string, dir: string): { file: string; bytes: number }[] {
  const prefix = path.join(dir, path.basename(file, ".pdf"));
  execFileSync("pdftoppm", ["-r", "72", "-png", file, prefix]);
  return readdirSync(dir)
    .filter((n) => n.startsWith(path.basename(prefix)) && n.endsWith(".png"))
    .sort()
    .map((n) => ({ file: path.join(dir, n), bytes: statSync(path.join(dir, n)).size }));
}

export type SheetCell = number | boolean | string | null | { datetime: string };

export interface Sheet {
  header: string[];
  rows: SheetCell[][];
}

const READ_WORKBOOK = `
import json, sys, datetime
import openpyxl
wb = openpyxl.load_workbook(sys.argv[1], read_only=True)
out = {}
for ws in wb.worksheets:
    rows = []
    for row in ws.iter_rows(values_only=True):
        cells = []
        for v in row:
            if isinstance(v, datetime.datetime):
                cells.append({"datetime": v.isoformat(timespec="milliseconds")})
            else:
                cells.append(v)
        rows.append(cells)
    # A streamed sheet states no dimension: openpyxl then ends a row at its last written cell.
    width = len(rows[0]) if rows else 0
    out[ws.title] = {"header": rows[0] if rows else [], "rows": [r + [None] * (width - len(r)) for r in rows[1:]]}
print(json.dumps(out))
`;

/** The first python3 with openpyxl: $PYTHON, Debian's /usr/bin/python3, python3 on PATH. */
const python = [process.env.PYTHON, "/usr/bin/python3", "python3"]
  .filter((p): p is string => Boolean(p))
  .find((p) => {
    try {
      execFileSync(p, ["-c", "import openpyxl"], { stdio: "ignore" });
      return true;
    } catch {
      return false;
    }
  });

/** Every sheet of the workbook as openpyxl reads it (numbers as Python floats/ints, dates as ISO text). */
export function readWorkbook(file: string): Record<string, Sheet> {
  if (!python) throw new Error("no python3 with openpyxl found (install python3-openpyxl or set PYTHON)");
  return JSON.parse(execFileSync(python, ["-c", READ_WORKBOOK, file], { encoding: "utf8", maxBuffer: 512 * 1024 * 1024 })) as Record<
    string,
    Sheet
  >;
}
