import type Database from "better-sqlite3";
import type { Kysely } from "kysely";
import type { DatabaseSchema } from "./schema.ts";
import { CacheGuard, TriggeredCache } from "./triggered-cache.ts";

type Db = Kysely<DatabaseSchema>;

/** Accounts kept: a busy home page names a few dozen authors, a day of them a few thousand. */
export const MOST_CACHED_ACCOUNTS = 4_096;
/** Statuses whose counts are kept: a few pages' worth for each of a few viewers. */
export const MOST_CACHED_STATUS_COUNTS = 8_192;

/**
 * Status rows kept: a fresh home page shares all but one or two of its forty statuses (and the ones they
 * boost) with the page before it, and a row with its HTML is a kilobyte or two.
 */
export const MOST_CACHED_STATUS_ROWS = 2_048;

/** Statuses whose parts (mentions, tags, media, poll, card) are kept: as many as their rows. */
export const MOST_CACHED_STATUS_PARTS = 2_048;

/** Notification rows kept: a few pages of forty for each of a few viewers. */
export const MOST_CACHED_NOTIFICATION_ROWS = 2_048;

/** Accounts whose filters are kept: the few who read pages here. */
export const MOST_CACHED_VIEWER_FILTERS = 256;

/** Viewers' marks kept: a few pages' worth for each of a few viewers. */
export const MOST_CACHED_VIEWER_MARKS = 16_384;

/** The caches of reads a page makes, kept exact by triggers (triggered-cache.ts). */
export interface PageReadCaches {
  /** One data_version check for them all, and what tells them of this process's commits they need not see. */
  guard: CacheGuard;
  /**
   * What a page reads of an account and its numbers (accounts joined with account_stats), by account id:
   * every page rendered fresh read its forty authors again, though a write since the last page changes one
   * or two of them at most. account_stats changes with every status its account posts, and so forgets it.
   */
  accounts: TriggeredCache<unknown>;
  /** A status's replies, boosts and favourites counted, by status id. */
  statusCounts: TriggeredCache<unknown>;
  /**
   * A status's own row, by status id: forgotten whenever the row is added, changed or deleted (an edit, a
   * deletion, a visibility change), and by nothing else, since nothing else is in it.
   */
  statusRows: TriggeredCache<unknown>;
  /**
   * What a status shows beside its row (mentions, tags, media, poll, preview card), by status id: forgotten
   * whenever one of those rows of the status comes, changes or goes, a tag or a card it shows changes.
   */
  statusParts: TriggeredCache<unknown>;
  /**
   * A notification's own row, by notification id: forgotten whenever the row is added, changed or deleted. A
   * page of notifications read its forty rows' eight columns again from the table, three times what reading
   * their ids from the recipient's index costs (issue #19).
   */
  notificationRows: TriggeredCache<unknown>;
  /** An account's filters with their keywords and statuses, by account id, expired ones too. */
  viewerFilters: TriggeredCache<unknown>;
  /** A viewer's marks on a status (statusMarksKey) and mutes of a conversation (conversationMuteKey). */
  viewerMarks: TriggeredCache<unknown>;
}

/** The key of a viewer's boost, favourite, bookmark and pin of a status in the marks' cache. */
export function statusMarksKey(viewerId: string, statusId: string): string {
  return `${viewerId} ${statusId}`;
}

/** The key of a viewer's mute of a conversation in the marks' cache. */
export function conversationMuteKey(viewerId: string, conversationId: string): string {
  return `${viewerId} c${conversationId}`;
}

/**
 * The raw connection of each database openDatabase opened, so its caches can be made on first use: after the
 * migrations, which may rebuild a table (and drop the triggers on it). Keyed by the Kysely instance, so a
 * transaction (another instance, whose reads may see its own uncommitted rows) never uses a cache.
 */
const connections = new WeakMap<Db, Database.Database>();
const caches = new WeakMap<Db, PageReadCaches>();

export function registerPageReadCachesConnection(db: Db, sqlite: Database.Database): void {
  connections.set(db, sqlite);
}

function cachesOf(db: Db): PageReadCaches | undefined {
  let found = caches.get(db);
  if (!found) {
    const sqlite = connections.get(db);
    if (!sqlite || !sqlite.open) return undefined;
    const guard = new CacheGuard(sqlite);
    found = {
      guard,
      accounts: new TriggeredCache(
        sqlite,
        guard,
        "accounts",
        [
          { table: "accounts", keys: ["R.id"] },
          { table: "account_stats", keys: ["R.account_id"] },
        ],
        MOST_CACHED_ACCOUNTS,
      ),
      statusCounts: new TriggeredCache(
        sqlite,
        guard,
        "status_counts",
        [
          { table: "statuses", keys: ["R.in_reply_to_id", "R.reblog_of_id"] },
          { table: "favourites", keys: ["R.status_id"] },
        ],
        MOST_CACHED_STATUS_COUNTS,
      ),
      statusRows: new TriggeredCache(sqlite, guard, "status_rows", [{ table: "statuses", keys: ["R.id"] }], MOST_CACHED_STATUS_ROWS),
      statusParts: new TriggeredCache(
        sqlite,
        guard,
        "status_parts",
        [
          { table: "mentions", keys: ["R.status_id"] },
          { table: "status_tags", keys: ["R.status_id"] },
          { table: "tags", keys: ["status_tags.status_id"], from: "main.status_tags WHERE status_tags.tag_id = R.id" },
          { table: "media_attachments", keys: ["R.status_id"] },
          { table: "polls", keys: ["R.status_id"] },
          { table: "status_preview_cards", keys: ["R.status_id"] },
          { table: "preview_cards", keys: ["status_preview_cards.status_id"], from: "main.status_preview_cards WHERE status_preview_cards.preview_card_id = R.id" },
        ],
        MOST_CACHED_STATUS_PARTS,
      ),
      notificationRows: new TriggeredCache(
        sqlite,
        guard,
        "notification_rows",
        [{ table: "notifications", keys: ["R.id"] }],
        MOST_CACHED_NOTIFICATION_ROWS,
      ),
      viewerFilters: new TriggeredCache(
        sqlite,
        guard,
        "viewer_filters",
        [
          { table: "filters", keys: ["R.account_id"] },
          { table: "filter_keywords", keys: ["filters.account_id"], from: "main.filters WHERE filters.id = R.filter_id" },
          { table: "filter_statuses", keys: ["filters.account_id"], from: "main.filters WHERE filters.id = R.filter_id" },
        ],
        MOST_CACHED_VIEWER_FILTERS,
      ),
      // The keys as statusMarksKey and conversationMuteKey make them (|| with a NULL is NULL: no key).
      viewerMarks: new TriggeredCache(
        sqlite,
        guard,
        "viewer_marks",
        [
          { table: "statuses", keys: ["R.account_id || ' ' || R.reblog_of_id"] },
          { table: "favourites", keys: ["R.account_id || ' ' || R.status_id"] },
          { table: "bookmarks", keys: ["R.account_id || ' ' || R.status_id"] },
          { table: "status_pins", keys: ["R.account_id || ' ' || R.status_id"] },
          { table: "conversation_mutes", keys: ["R.account_id || ' c' || R.conversation_id"] },
        ],
        MOST_CACHED_VIEWER_MARKS,
      ),
    };
    caches.set(db, found);
  }
  return found;
}

/** The account cache of this database, or none for a transaction or a database openDatabase did not open. */
export function accountRowCacheOf<Value>(db: Db): TriggeredCache<Value> | undefined {
  return cachesOf(db)?.accounts as TriggeredCache<Value> | undefined;
}

/** The status counts' cache of this database, or none (as accountRowCacheOf). */
export function statusCountsCacheOf<Value>(db: Db): TriggeredCache<Value> | undefined {
  return cachesOf(db)?.statusCounts as TriggeredCache<Value> | undefined;
}

/** The status rows' cache of this database, or none (as accountRowCacheOf). */
export function statusRowCacheOf<Value>(db: Db): TriggeredCache<Value> | undefined {
  return cachesOf(db)?.statusRows as TriggeredCache<Value> | undefined;
}

/** The status parts' cache of this database, or none (as accountRowCacheOf). */
export function statusPartsCacheOf<Value>(db: Db): TriggeredCache<Value> | undefined {
  return cachesOf(db)?.statusParts as TriggeredCache<Value> | undefined;
}

/** The notification rows' cache of this database, or none (as accountRowCacheOf). */
export function notificationRowCacheOf<Value>(db: Db): TriggeredCache<Value> | undefined {
  return cachesOf(db)?.notificationRows as TriggeredCache<Value> | undefined;
}

/** The viewers' filters' cache of this database, or none (as accountRowCacheOf). */
export function viewerFiltersCacheOf<Value>(db: Db): TriggeredCache<Value> | undefined {
  return cachesOf(db)?.viewerFilters as TriggeredCache<Value> | undefined;
}

/** The viewer marks' cache of this database, or none (as accountRowCacheOf). */
export function viewerMarksCacheOf<Value>(db: Db): TriggeredCache<Value> | undefined {
  return cachesOf(db)?.viewerMarks as TriggeredCache<Value> | undefined;
}

/**
 * Where this database's caches stand, read once for a page's reads of all of them (each loader takes it as
 * `since`); undefined for a transaction or a database openDatabase did not open.
 */
export function markPageReadCaches(db: Db): number | undefined {
  return cachesOf(db)?.guard.mark();
}

/**
 * What another connection of this process uses to commit writes to tables no page-read cache reads (Fedify's
 * queue and key-value store) without emptying the caches: `commit(work)` runs `work` in one IMMEDIATE
 * transaction on `other` (CacheGuard.commitUnseen), or in a plain one when `db` has no caches.
 */
export interface UnseenCommits {
  commit<T>(work: () => T): T;
}

export function unseenCommitsOf(db: Db, other: Database.Database): UnseenCommits {
  return {
    commit: (work) => {
      // Caches not made yet hold nothing to keep; they are made by the first page, not by Fedify's first write.
      const guard = caches.get(db)?.guard;
      return guard ? guard.commitUnseen(other, work) : other.transaction(work).immediate();
    },
  };
}

/**
 * Empties every one of this database's page-read caches: an idle server gives their memory back (several MiB of
 * V8's heap), and the next pages read again the few dozen values they need, as after another connection's commit.
 */
export function forgetPageReadCaches(db: Db): void {
  caches.get(db)?.guard.releaseAll();
}
