/**
 * CSV as Mastodon's export writes it and its import reads it (Ruby's CSV: RFC 4180, "," between fields,
 * fields quoted when they hold a comma, a quote or a line break, lines ending in "\n").
 */

function field(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

export function formatCsv(rows: ReadonlyArray<readonly string[]>): string {
  return rows.map((row) => `${row.map(field).join(",")}\n`).join("");
}

/** One parsed line: its fields and the line number it started on (1-based), for reports a person can follow. */
export interface CsvRow {
  line: number;
  fields: string[];
}

/**
 * The rows of a CSV text; blank lines are skipped, as Mastodon's import skips them. A quote left open at the
 * end is an error the caller turns into a sentence.
 */
export function parseCsv(text: string): CsvRow[] {
  const rows: CsvRow[] = [];
  const body = text.startsWith("\uFEFF") ? text.slice(1) : text;
  let fields: string[] = [];
  let current = "";
  let quoted = false;
  let line = 1;
  let rowLine = 1;
  let sawAnything = false;
  const endRow = () => {
    fields.push(current);
    if (sawAnything || fields.length > 1) rows.push({ line: rowLine, fields });
    fields = [];
    current = "";
    sawAnything = false;
  };
  for (let index = 0; index < body.length; index += 1) {
    const char = body.charAt(index);
    if (quoted) {
      if (char === '"' && body[index + 1] === '"') {
        current += '"';
        index += 1;
      } else if (char === '"') {
        quoted = false;
      } else {
        if (char === "\n") line += 1;
        current += char;
      }
      continue;
    }
    if (char === '"') {
      quoted = true;
      sawAnything = true;
    } else if (char === ",") {
      fields.push(current);
      current = "";
      sawAnything = true;
    } else if (char === "\r" && body[index + 1] === "\n") {
      continue;
    } else if (char === "\n" || char === "\r") {
      endRow();
      line += 1;
      rowLine = line;
    } else {
      current += char;
      if (char.trim() !== "") sawAnything = true;
    }
  }
  if (quoted) throw new CsvSyntaxError(`A quoted field that starts on line ${rowLine} is never closed.`);
  endRow();
  return rows;
}

export class CsvSyntaxError extends Error {
  override name = "CsvSyntaxError";
}
