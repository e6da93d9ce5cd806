/**
 * Splitting CSV text into rows of fields (RFC 4180 quotes, "" inside quotes, CRLF or LF), for the files banks send:
 * statements and direct debit result files. Each row carries the file line it starts on, so reports point at the
 * source. A quote left open or text after a closing quote refuses the whole file through the caller's error.
 */
/** Rows of fields with the file line each row starts on; a quote left open refuses the file. */
export function splitCsv(text: string, sep: string, refuse: (reason: string) => Error): Array<{ line: number; fields: string[] }> {
  const rows: Array<{ line: number; fields: string[] }> = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false, wasQuoted = false;
  let line = 1, rowLine = 1;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') { field += '"'; i++; } else quoted = false;
      } else {
        if (ch === '\n') line++;
        field += ch;
      }
      continue;
    }
    if (ch === '"' && field === '' && !wasQuoted) { quoted = true; wasQuoted = true; }
    else if (ch === '"') throw refuse(`file line ${line}: a quote inside an unquoted field`);
    else if (ch === sep) { fields.push(field); field = ''; wasQuoted = false; }
    else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      fields.push(field);
      rows.push({ line: rowLine, fields });
      fields = []; field = ''; wasQuoted = false;
      rowLine = ++line;
    } else if (wasQuoted) throw refuse(`file line ${line}: text after a closing quote`);
    else field += ch;
  }
  if (quoted) throw refuse(`file line ${rowLine}: a quote is never closed`);
  if (field !== '' || fields.length) { fields.push(field); rows.push({ line: rowLine, fields }); }
  if (!rows.length) throw refuse('the file is empty');
  return rows;
}
