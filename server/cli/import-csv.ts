import { readFile, stat } from "node:fs/promises";
import { basename } from "node:path";
import type { AccountRow } from "../core/rows.ts";
import type { CoreContext } from "../core/context.ts";
import { csvImportTypeOf } from "../core/archive/csv-kind.ts";
import { IMPORT_MAX_BYTES, importRelations, type ImportReport, type ImportType } from "../core/archive/relation-import.ts";
import { UserError } from "../user-error.ts";
import type { TerminalProgress } from "./terminal-progress.ts";

/** What each type's rows are, in the report's sentences. */
const NOUNS: Readonly<Record<ImportType, string>> = {
  following: "follows",
  blocks: "blocked accounts",
  mutes: "muted accounts",
  domain_blocks: "blocked domains",
  bookmarks: "bookmarks",
  lists: "list members",
};

export interface CsvImportInput {
  file: string;
  core: CoreContext;
  account: AccountRow;
  origin: string;
  progress: TerminalProgress;
}

/**
 * One of Mastodon's CSV files into a local account, merged with what it has (the contract gives `hearth
 * import` no mode; overwrite is the web client's and the API's). The command runs without the federation, so
 * only the accounts and posts this server already stores can be named; the others are reported row by row.
 */
export async function importCsvFile(input: CsvImportInput): Promise<ImportReport> {
  const { file } = input;
  // Checked before reading, so a huge file is never read whole into memory.
  if ((await stat(file)).size > IMPORT_MAX_BYTES) throw new UserError(`${file} is larger than 20 MB, the most a CSV import takes (as on Mastodon); split it and import each part.`);
  const text = await readFile(file, "utf8");
  const type = csvImportTypeOf(text, file);
  const step = `${basename(file)} (${NOUNS[type]})`;
  try {
    return await importRelations(input.core, {
      accountId: input.account.id,
      type,
      mode: "merge",
      text,
      origin: input.origin,
      onProgress: (done, total) => input.progress.update(step, done, total),
    });
  } finally {
    input.progress.finish();
  }
}

export function describeCsvImport(report: ImportReport, file: string): string {
  const noun = NOUNS[report.type];
  const lines = [`Imported ${file} as ${noun}: ${report.imported} of ${report.rows} rows.`];
  if (report.beyondLimit > 0) lines.push(`${report.beyondLimit} rows past the first 20,000 were left out (Mastodon's limit too); import them as a file of their own.`);
  if (report.failures.length > 0) {
    lines.push(`${report.failures.length} rows could not be imported (the others are in):`);
    for (const failure of report.failures) lines.push(`  line ${failure.line}: ${failure.value}: ${failure.error}`);
    if (report.failures.some((failure) => /was found|could not be found/.test(failure.error))) {
      lines.push("This command cannot reach other servers; import the file from Settings while Hearth runs to look those up at their servers.");
    }
  }
  return `${lines.join("\n")}\n`;
}
