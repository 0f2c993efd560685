/**
 * How a number is written in the CSV files (docs/csv-format.md "Numbers").
 *
 * pandas' default `read_csv` float parser is fast, not correctly rounded: it keeps at most 17
 * digits counted from the first digit written, leading zeros included, so a positional
 * `0.000020098225097957885` loses its last significant digits, and 17-digit positional values come
 * back up to ~1,000 ulp off. Given the same digits as a mantissa with an exponent
 * (`2.0098225097957885e-05`) it stays within 2 ulp. So every non-integer is written with the
 * shortest digits that round-trip, in exponent notation; R's read.csv, Excel and LibreOffice read
 * that as a number too. Integers that a double holds exactly stay plain (`12`, `0`): every parser
 * reads them exactly, and pandas keeps an integer column int64.
 */

/** The CSV text of a finite number; callers write a non-finite one as an empty cell. */
export function formatCsvNumber(value: number): string {
  if (Number.isSafeInteger(value)) return String(value); // -0 too: String(-0) is "0", as in the JSON
  // toExponential() without digits gives the shortest mantissa that round-trips ("1.45e-1");
  // a two-digit exponent as C's printf and Python's repr write it ("1.45e-01").
  const text = value.toExponential();
  const e = text.indexOf("e");
  const exponent = text.slice(e + 2);
  return exponent.length === 1 ? `${text.slice(0, e + 2)}0${exponent}` : text;
}
