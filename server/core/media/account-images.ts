import { createHash } from "node:crypto";
import type { CoreContext } from "../context.ts";
import { mediaFileUrl } from "./media.ts";
import type { AccountRow } from "../rows.ts";
import { write } from "../write.ts";

/** Where the stand-in pictures are served, at Mastodon's own paths, for accounts that have none. */
export const MISSING_AVATAR_PATH = "/avatars/original/missing.png";
export const MISSING_HEADER_PATH = "/headers/original/missing.png";

export type AccountImageKind = "avatar" | "header";

/** What an account's picture addresses are made from. */
type AccountImageColumns = Pick<AccountRow, "id" | "domain" | "avatar_file" | "header_file" | "avatar_remote_url" | "header_remote_url">;

/**
 * A remote account's avatar or header is kept here as a copy in avatar_file / header_file, named after the
 * peer's URL it was made from (cachedAccountImagePath). The name is what tells whether the copy is still the
 * account's picture: when the peer changes it, the stored URL changes and the old copy no longer counts, with
 * no other bookkeeping (federation keeps just writing avatar_remote_url).
 */
function remoteUrlKey(remoteUrl: string): string {
  let key = remoteUrlKeys.get(remoteUrl);
  if (key === undefined) {
    key = createHash("sha256").update(remoteUrl).digest("hex").slice(0, 16);
    if (remoteUrlKeys.size >= MOST_REMEMBERED) remoteUrlKeys.clear();
    remoteUrlKeys.set(remoteUrl, key);
  }
  return key;
}

// Every page shows forty-odd accounts, two pictures each: their keys and addresses are worked out once, not
// for every page rendered (issue #19). Bounded; emptied whole when full, as a page's accounts come back at once.
const MOST_REMEMBERED = 4_096;
const remoteUrlKeys = new Map<string, string>();
const origins = new Map<string, string>();

/** new URL(path, origin).href for a path of plain characters beginning with "/": the origin's scheme, host and port, then the path. */
function onOrigin(origin: string, path: string): string {
  let base = origins.get(origin);
  if (base === undefined) {
    base = new URL(origin).origin;
    if (origins.size >= 16) origins.clear();
    origins.set(origin, base);
  }
  return base + path;
}

/** cache/avatars/<account id>-<key of the peer's URL>.<ext>, relative to the media folder. */
export function cachedAccountImagePath(accountId: string, kind: AccountImageKind, remoteUrl: string, extension: string): string {
  return `${cachedAccountImageFolder(kind)}/${accountId}-${remoteUrlKey(remoteUrl)}.${extension}`;
}

/** The columns of one kind of picture. */
export function accountImageOf(account: AccountImageColumns, kind: AccountImageKind): { file: string | null; remoteUrl: string | null } {
  return kind === "avatar"
    ? { file: account.avatar_file, remoteUrl: account.avatar_remote_url }
    : { file: account.header_file, remoteUrl: account.header_remote_url };
}

/** Whether a remote account's stored file is a copy of its current picture (not of one it has since replaced). */
export function hasCachedAccountImage(account: AccountImageColumns, kind: AccountImageKind): boolean {
  const { file, remoteUrl } = accountImageOf(account, kind);
  return file !== null && remoteUrl !== null && file.includes(`-${remoteUrlKey(remoteUrl)}.`);
}

/**
 * Local accounts: their stored file, else the stand-in. Remote accounts: our copy when we have one, else our
 * proxy address, which fetches and keeps a copy on the first request (so the archive works offline), else the
 * stand-in.
 */
function imageUrl(account: AccountImageColumns, kind: AccountImageKind, origin: string, missingPath: string): string {
  const { file, remoteUrl } = accountImageOf(account, kind);
  if (account.domain === null) return file ? mediaFileUrl(origin, file) : onOrigin(origin, missingPath);
  if (hasCachedAccountImage(account, kind) && file) return mediaFileUrl(origin, file);
  // Account ids are digits: nothing in this path needs escaping.
  if (remoteUrl !== null) return onOrigin(origin, `/media_proxy/accounts/${account.id}/${kind}`);
  return onOrigin(origin, missingPath);
}

/** The avatar's address as clients and peers see it: our file or copy, our proxy, or the stand-in. */
export function avatarUrl(account: AccountImageColumns, origin: string): string {
  return imageUrl(account, "avatar", origin, MISSING_AVATAR_PATH);
}

export function headerUrl(account: AccountImageColumns, origin: string): string {
  return imageUrl(account, "header", origin, MISSING_HEADER_PATH);
}

/**
 * Records the copy of a remote account's picture made from `remoteUrl`. Returns the file it replaces (for the
 * media layer to remove; null when none), or undefined when the account is gone or its picture changed while
 * we fetched: the caller then removes the file it wrote.
 */
export async function recordCachedAccountImage(
  ctx: CoreContext,
  accountId: string,
  kind: AccountImageKind,
  remoteUrl: string,
  file: string,
): Promise<{ replaced: string | null } | undefined> {
  const fileColumn = kind === "avatar" ? "avatar_file" : "header_file";
  const urlColumn = kind === "avatar" ? "avatar_remote_url" : "header_remote_url";
  return write(ctx, async (trx) => {
    const row = await trx
      .selectFrom("accounts")
      .select(["avatar_file", "header_file"])
      .where("id", "=", accountId)
      .where("domain", "is not", null)
      .where(urlColumn, "=", remoteUrl)
      .executeTakeFirst();
    if (!row) return undefined;
    await trx.updateTable("accounts").set({ [fileColumn]: file }).where("id", "=", accountId).execute();
    const previous = row[fileColumn];
    return { replaced: previous === file ? null : previous };
  });
}

/** The folder, relative to the media folder, that holds the kept copies of one kind of remote picture. */
export function cachedAccountImageFolder(kind: AccountImageKind): string {
  return `cache/${kind}s`;
}

/** Every picture file an account row names (local accounts' too, though theirs live outside cache/). */
export async function namedAccountImageFiles(ctx: CoreContext): Promise<Set<string>> {
  const rows = await ctx.db.selectFrom("accounts").select(["avatar_file", "header_file"]).execute();
  return new Set(rows.flatMap((row) => [row.avatar_file, row.header_file]).filter((file) => file !== null));
}
