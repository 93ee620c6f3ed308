import type { CoreContext } from "../context.ts";
import { Invalid } from "../errors.ts";
import { bookmarkStatus, unbookmarkStatus } from "../interactions/interactions.ts";
import { blockAccount, listBlocks, unblockAccount } from "../relationships/blocks.ts";
import { blockDomain, listDomainBlocks, normaliseDomain, unblockDomain } from "../relationships/domain-blocks.ts";
import { followAccount, getFollow, listFollows, unfollowAccount } from "../relationships/follows.ts";
import { listMutes, muteAccount, unmuteAccount } from "../relationships/mutes.ts";
import type { AccountRow } from "../rows.ts";
import { lookupAccount } from "../search/account-search.ts";
import { findStatusByUri, getStatusRow } from "../statuses/status-store.ts";
import { addListAccounts, createList, listListAccounts, listLists, removeListAccounts } from "../timelines/lists.ts";
import { UserError } from "../../user-error.ts";
import { CsvSyntaxError, parseCsv, type CsvRow } from "./csv.ts";

/**
 * Mastodon's CSV import (app/models/form/import.rb, app/services/bulk_import_*): the file's type is told by
 * its header, or the file has none and its columns are the type's in order; a header that names another
 * type's file is refused whole. Up to 20,000 rows and 20 MB. Each row that cannot be imported (an account no
 * server knows, a refusal) is reported with its line and the reason, and every other row is imported. In
 * overwrite mode, what the file does not name is undone (unfollowed, unblocked, ...); merge only adds.
 */

export const IMPORT_TYPES = ["following", "blocks", "mutes", "domain_blocks", "bookmarks", "lists"] as const;
export type ImportType = (typeof IMPORT_TYPES)[number];
export const IMPORT_MODES = ["merge", "overwrite"] as const;
export type ImportMode = (typeof IMPORT_MODES)[number];

export const IMPORT_MAX_ROWS = 20_000;
export const IMPORT_MAX_BYTES = 20 * 1024 * 1024;

const COLUMNS: Record<ImportType, readonly string[]> = {
  following: ["Account address", "Show boosts", "Notify on new posts", "Languages"],
  blocks: ["Account address"],
  mutes: ["Account address", "Hide notifications"],
  domain_blocks: ["#domain"],
  bookmarks: ["#uri"],
  lists: ["List name", "Account address"],
};
const KNOWN_FIRST_HEADERS = new Set(Object.values(COLUMNS).map((columns) => columns[0]));

export interface ImportFailure {
  /** The line of the file the row starts on. */
  line: number;
  value: string;
  error: string;
}

export interface ImportReport {
  type: ImportType;
  mode: ImportMode;
  /** Rows read (the header not counted). */
  rows: number;
  imported: number;
  failures: ImportFailure[];
  /** Rows past the limit, left out. */
  beyondLimit: number;
  /** Relations the overwrite undid. */
  removed: number;
}

export interface ImportInput {
  accountId: string;
  type: ImportType;
  mode: ImportMode;
  text: string;
  origin: string;
  /** Rows handled so far, of those to import (the CLI's bar, the web client's). */
  onProgress?: (done: number, total: number) => void;
}

type Row = Record<string, string>;

function rowsOf(type: ImportType, parsed: CsvRow[]): Array<{ line: number; row: Row }> {
  const first = parsed[0];
  const firstHeader = first?.fields[0]?.trim();
  let columns = COLUMNS[type];
  let body = parsed;
  if (first && firstHeader !== undefined && KNOWN_FIRST_HEADERS.has(firstHeader)) {
    const header = first.fields.map((name) => name.trim());
    if (!header.includes(COLUMNS[type][0] ?? "")) {
      throw new Invalid(`This file's header (${header.join(", ")}) is not that of a ${type.replace("_", " ")} export; choose the type that matches the file.`);
    }
    columns = header;
    body = parsed.slice(1);
  }
  return body.map(({ line, fields }) => ({ line, row: Object.fromEntries(columns.map((name, index) => [name, (fields[index] ?? "").trim()])) }));
}

function booleanOf(value: string | undefined, fallback: boolean): boolean {
  if (value === undefined || value === "") return fallback;
  return value.toLowerCase() === "true";
}

async function accountNamed(ctx: CoreContext, address: string, origin: string): Promise<AccountRow> {
  const acct = address.replace(/^@/, "");
  if (!/^[^@\s]+@[^@\s]+$/.test(acct)) throw new Invalid(`"${address}" is not an account address (user@server).`);
  const account = await lookupAccount(ctx, acct, origin);
  if (!account) throw new Invalid(`No account ${acct} was found, here or at its server.`);
  return account;
}

async function statusIdNamed(ctx: CoreContext, uri: string, origin: string): Promise<string> {
  if (!URL.canParse(uri)) throw new Invalid(`"${uri}" is not a post's address.`);
  const local = new RegExp(`^${origin.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}/users/[^/]+/statuses/(\\d+)$`).exec(uri);
  const known = local?.[1] ? await getStatusRow(ctx, local[1]) : await findStatusByUri(ctx, uri);
  if (known) return known.id;
  const resolved = local ? null : await ctx.ports.remote.resolveUrl(uri).catch(() => null);
  if (resolved?.kind !== "status") throw new Invalid(`The post ${uri} could not be found.`);
  return resolved.statusId;
}

const ALL = { maxId: null, sinceId: null, minId: null, limit: Number.MAX_SAFE_INTEGER };

export async function importRelations(ctx: CoreContext, input: ImportInput): Promise<ImportReport> {
  const { accountId, type, mode, origin } = input;
  if (Buffer.byteLength(input.text) > IMPORT_MAX_BYTES) throw new Invalid("The file is larger than 20 MB, the most an import takes.");
  let parsed: CsvRow[];
  try {
    parsed = parseCsv(input.text);
  } catch (error) {
    if (error instanceof CsvSyntaxError) throw new Invalid(`The file is not readable CSV: ${error.message}`);
    throw error;
  }
  const all = rowsOf(type, parsed);
  if (all.length === 0) throw new Invalid("The file has no rows to import.");
  const rows = all.slice(0, IMPORT_MAX_ROWS);
  const report: ImportReport = { type, mode, rows: all.length, imported: 0, failures: [], beyondLimit: all.length - rows.length, removed: 0 };
  // What the file names, kept in an overwrite even where its row failed (a refusal is no reason to undo).
  const named = new Set<string>();
  const listMembers = new Map<string, Set<string>>();
  const listIds = new Map<string, string>((await listLists(ctx, accountId)).map((list) => [list.title, list.id]));

  input.onProgress?.(0, rows.length);
  for (const [index, { line, row }] of rows.entries()) {
    const value = Object.values(row).join(",");
    try {
      switch (type) {
        case "following": {
          const target = await accountNamed(ctx, row["Account address"] ?? "", origin);
          named.add(target.id);
          const languages = (row.Languages ?? "").split(",").map((language) => language.trim()).filter((language) => language !== "");
          await followAccount(ctx, accountId, target.id, {
            showReblogs: booleanOf(row["Show boosts"], true),
            notify: booleanOf(row["Notify on new posts"], false),
            languages: languages.length === 0 ? null : languages,
            origin,
          });
          break;
        }
        case "blocks": {
          const target = await accountNamed(ctx, row["Account address"] ?? "", origin);
          named.add(target.id);
          await blockAccount(ctx, accountId, target.id, { origin });
          break;
        }
        case "mutes": {
          const target = await accountNamed(ctx, row["Account address"] ?? "", origin);
          named.add(target.id);
          await muteAccount(ctx, accountId, target.id, { notifications: booleanOf(row["Hide notifications"], true) });
          break;
        }
        case "domain_blocks": {
          const domain = normaliseDomain(row["#domain"] ?? "");
          named.add(domain);
          await blockDomain(ctx, accountId, domain);
          break;
        }
        case "bookmarks": {
          const statusId = await statusIdNamed(ctx, row["#uri"] ?? "", origin);
          named.add(statusId);
          await bookmarkStatus(ctx, accountId, statusId);
          break;
        }
        case "lists": {
          const title = row["List name"] ?? "";
          if (title === "") throw new Invalid("The row names no list.");
          const target = await accountNamed(ctx, row["Account address"] ?? "", origin);
          let listId = listIds.get(title);
          if (!listId) {
            listId = (await createList(ctx, accountId, { title })).id;
            listIds.set(title, listId);
          }
          const members = listMembers.get(listId) ?? new Set<string>();
          listMembers.set(listId, members.add(target.id));
          // As Mastodon's import: a list holds followed accounts, so the account is followed first.
          if (target.id !== accountId && !(await getFollow(ctx, accountId, target.id))) await followAccount(ctx, accountId, target.id, { origin });
          const present = await listListAccounts(ctx, accountId, listId, { maxId: null, sinceId: null, minId: null, limit: null });
          if (!present.some((member) => member.id === target.id)) await addListAccounts(ctx, accountId, listId, [target.id]);
          break;
        }
      }
      report.imported += 1;
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
      report.failures.push({ line, value, error: error.message });
    }
    input.onProgress?.(index + 1, rows.length);
  }
  if (mode === "overwrite") report.removed = await undoUnnamed(ctx, accountId, type, named, listMembers);
  return report;
}

async function undoUnnamed(ctx: CoreContext, accountId: string, type: ImportType, named: Set<string>, listMembers: Map<string, Set<string>>): Promise<number> {
  let removed = 0;
  switch (type) {
    case "following":
      for (const { account } of (await listFollows(ctx, accountId, "following", ALL)).items) {
        if (!named.has(account.id)) await unfollowAccount(ctx, accountId, account.id).then(() => (removed += 1));
      }
      break;
    case "blocks":
      for (const { account } of (await listBlocks(ctx, accountId, ALL)).items) {
        if (!named.has(account.id)) await unblockAccount(ctx, accountId, account.id).then(() => (removed += 1));
      }
      break;
    case "mutes":
      for (const { account } of (await listMutes(ctx, accountId, ALL)).items) {
        if (!named.has(account.id)) await unmuteAccount(ctx, accountId, account.id).then(() => (removed += 1));
      }
      break;
    case "domain_blocks":
      for (const block of await listDomainBlocks(ctx, accountId, ALL)) {
        if (!named.has(block.domain)) await unblockDomain(ctx, accountId, block.domain).then(() => (removed += 1));
      }
      break;
    case "bookmarks": {
      const rows = await ctx.db.selectFrom("bookmarks").select("status_id").where("account_id", "=", accountId).execute();
      for (const { status_id } of rows) {
        if (!named.has(status_id)) await unbookmarkStatus(ctx, accountId, status_id).then(() => (removed += 1));
      }
      break;
    }
    case "lists":
      // Only the lists the file names are replaced; the others are not its business.
      for (const [listId, members] of listMembers) {
        const present = await listListAccounts(ctx, accountId, listId, { maxId: null, sinceId: null, minId: null, limit: null });
        const gone = present.filter((member) => !members.has(member.id)).map((member) => member.id);
        await removeListAccounts(ctx, accountId, listId, gone);
        removed += gone.length;
      }
      break;
  }
  return removed;
}
