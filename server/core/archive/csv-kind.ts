import { basename } from "node:path";
import { Invalid } from "../errors.ts";
import { CsvSyntaxError, parseCsv } from "./csv.ts";
import type { ImportType } from "./relation-import.ts";

/**
 * Which of Mastodon's CSV files a file is, for `hearth import FILE` and the upload in settings, where nobody
 * picks a type from a menu as Mastodon's form has them do. The header tells it when there is one; the files
 * Mastodon writes without a header (blocked accounts and domains, bookmarks, lists) are told by their name
 * (Mastodon's export names, and the names of /api/v1/exports/*.csv), and failing that by the shape of the
 * first row.
 */

const FILE_NAMES: Readonly<Record<string, ImportType>> = {
  "following_accounts.csv": "following",
  "following.csv": "following",
  "muted_accounts.csv": "mutes",
  "mutes.csv": "mutes",
  "blocked_accounts.csv": "blocks",
  "blocks.csv": "blocks",
  "blocked_domains.csv": "domain_blocks",
  "domain_blocks.csv": "domain_blocks",
  "bookmarks.csv": "bookmarks",
  "lists.csv": "lists",
};

const MASTODON_NAMES = "following_accounts.csv, muted_accounts.csv, blocked_accounts.csv, blocked_domains.csv, bookmarks.csv or lists.csv";

const ACCOUNT_ADDRESS = /^@?[^@\s,]+@[^@\s,]+$/;
const DOMAIN = /^[a-z0-9*]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+\.?$/i;

/** A Mastodon export name with the browser's or the system's " (1)" or "-2" appended still names its type. */
function typeByName(fileName: string): ImportType | undefined {
  const name = basename(fileName).toLowerCase().replace(/(?:\s*\(\d+\)|-\d+)(?=\.csv$)/, "");
  return FILE_NAMES[name];
}

function typeByHeader(header: readonly string[], byName: ImportType | undefined): ImportType | undefined {
  const columns = new Set(header.map((name) => name.trim()));
  if (columns.has("List name")) return "lists";
  if (columns.has("#domain")) return "domain_blocks";
  if (columns.has("#uri")) return "bookmarks";
  if (!columns.has("Account address")) return undefined;
  if (columns.has("Show boosts") || columns.has("Notify on new posts") || columns.has("Languages")) return "following";
  if (columns.has("Hide notifications")) return "mutes";
  // "Account address" alone: Mastodon's blocked_accounts.csv has no header, but others' exports write one.
  return byName === "following" || byName === "mutes" ? byName : "blocks";
}

function typeByShape(fields: readonly string[]): ImportType | undefined {
  const [first = "", second = ""] = fields.map((field) => field.trim());
  if (fields.length >= 2 && ACCOUNT_ADDRESS.test(second)) return "lists";
  if (/^https?:\/\//i.test(first)) return "bookmarks";
  if (ACCOUNT_ADDRESS.test(first)) return "blocks";
  if (DOMAIN.test(first)) return "domain_blocks";
  return undefined;
}

export function csvImportTypeOf(text: string, fileName: string): ImportType {
  const name = basename(fileName);
  if (/^followers(?:\s*\(\d+\)|-\d+)?\.csv$/i.test(name)) {
    throw new Invalid(`${name} lists the accounts that follow you; no server can import that (they would have to follow you again).`);
  }
  let first: string[] | undefined;
  try {
    first = parseCsv(text)[0]?.fields;
  } catch (error) {
    if (error instanceof CsvSyntaxError) throw new Invalid(`${name} is not readable CSV: ${error.message}`);
    throw error;
  }
  if (!first) throw new Invalid(`${name} has no rows to import.`);
  const byName = typeByName(name);
  const type = typeByHeader(first, byName) ?? byName ?? typeByShape(first);
  if (!type) {
    throw new Invalid(
      `Hearth cannot tell which of Mastodon's CSV files ${name} is: it has no header Mastodon writes and its first row is no account, domain or post address. ` +
        `Name it as Mastodon's export does (${MASTODON_NAMES}).`,
    );
  }
  return type;
}
