import type { Kysely } from "kysely";
import { Invalid } from "../errors.ts";
import type { DatabaseSchema } from "../../db/schema.ts";
import { compiledQuery } from "../../db/compiled-queries.ts";
import type { CoreContext } from "../context.ts";
import { upsertRemoteEmojis } from "../emojis/remote-emojis.ts";
import type { RemoteEmoji } from "../statuses/remote-status-record.ts";
import type { AccountRow } from "../rows.ts";
import { write } from "../write.ts";

/**
 * A remote actor as core stores it: the columns of an accounts row that come from the actor document.
 * HTML (note, field values) arrives here already sanitised.
 */
export interface RemoteAccountFields {
  uri: string;
  username: string;
  domain: string;
  display_name: string;
  note: string;
  fields_json: string;
  is_locked: number;
  is_bot: number;
  is_discoverable: number;
  is_indexable: number;
  url: string | null;
  actor_type: string;
  inbox_url: string;
  shared_inbox_url: string | null;
  outbox_url: string | null;
  followers_url: string | null;
  following_url: string | null;
  featured_url: string | null;
  public_key_id: string | null;
  avatar_remote_url: string | null;
  header_remote_url: string | null;
  moved_to_uri: string | null;
  also_known_as_json: string;
  /** The actor's `published`, when it says; Mastodon shows it as the account's creation day. */
  published_at: string | null;
}

// Compiled once: every inbox activity looks its sender up, and kysely's building of the query cost more than
// SQLite's index probe (issue #19).
const accountByUri = compiledQuery((db, { uri }: { uri: string }) => db.selectFrom("accounts").selectAll().where("uri", "=", uri));

export async function findAccountByUri(ctx: CoreContext, uri: string): Promise<AccountRow | undefined> {
  return (await accountByUri(ctx.db, { uri }))[0];
}

export async function findRemoteAccountByHandle(ctx: CoreContext, username: string, domain: string): Promise<AccountRow | undefined> {
  return ctx.db
    .selectFrom("accounts")
    .selectAll()
    .where((eb) => eb(eb.fn("lower", ["username"]), "=", username.toLowerCase()))
    .where((eb) => eb(eb.fn("lower", ["domain"]), "=", domain.toLowerCase()))
    .executeTakeFirst();
}

/**
 * Inserts a remote actor seen for the first time, or refreshes the row we have for its id, with the custom
 * emoji its profile carried (stored under its domain, so its name and note draw them).
 */
export async function upsertRemoteAccount(ctx: CoreContext, fields: RemoteAccountFields, emojis: readonly RemoteEmoji[] = []): Promise<AccountRow> {
  const now = ctx.clock.now();
  const fetchedAt = now.toISOString();
  const { published_at: publishedAt, ...columns } = fields;
  return write(ctx, async (trx) => {
    await releaseStaleHandle(trx, fields);
    await upsertRemoteEmojis(ctx, trx, fields.domain, emojis);
    const existing = await trx.selectFrom("accounts").select("id").where("uri", "=", fields.uri).executeTakeFirst();
    if (existing) {
      return trx
        .updateTable("accounts")
        .set({ ...columns, updated_at: fetchedAt, fetched_at: fetchedAt })
        .where("id", "=", existing.id)
        .returningAll()
        .executeTakeFirstOrThrow();
    }
    const createdAt = publishedAt ?? fetchedAt;
    return trx
      .insertInto("accounts")
      .values({
        ...columns,
        id: ctx.ids.next(now),
        note_source: "",
        avatar_file: null,
        header_file: null,
        created_at: createdAt,
        updated_at: fetchedAt,
        fetched_at: fetchedAt,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  });
}

/**
 * A handle names one actor at a time, but a server can delete an account and make a new one with the
 * same name (a new id). As Mastodon does, the old row gives up the handle, so the new actor can have it.
 */
async function releaseStaleHandle(trx: Kysely<DatabaseSchema>, fields: RemoteAccountFields): Promise<void> {
  const holder = await trx
    .selectFrom("accounts")
    .select(["id", "uri"])
    .where((eb) => eb(eb.fn("lower", ["username"]), "=", fields.username.toLowerCase()))
    .where("domain", "=", fields.domain)
    .executeTakeFirst();
  if (holder && holder.uri !== fields.uri) {
    await trx.updateTable("accounts").set({ username: `${fields.username}~${holder.id}` }).where("id", "=", holder.id).execute();
  }
}

// A remote profile this fresh is used as stored; older ones are fetched again, as Mastodon does daily.
const REFRESH_AFTER_MS = 24 * 60 * 60 * 1000;

export function isStale(ctx: CoreContext, account: AccountRow): boolean {
  if (account.domain === null) return false;
  if (account.fetched_at === null) return true;
  return ctx.clock.now().getTime() - Date.parse(account.fetched_at) > REFRESH_AFTER_MS;
}

/** Splits `name@host` (or `@name@host`), refusing what cannot be a fediverse handle. */
export function parseHandle(handle: string): { username: string; domain: string } {
  const match = /^@?([^@\s/?#]+)@([^@\s/?#]+)$/.exec(handle.trim());
  if (!match?.[1] || !match[2]) throw new Invalid(`"${handle}" is not a fediverse handle; write it as name@example.social.`);
  return { username: match[1], domain: match[2].toLowerCase() };
}

/** The account behind a remote handle: from the database while fresh, else looked up and stored. */
export async function resolveRemoteAccount(ctx: CoreContext, handle: string): Promise<AccountRow | null> {
  const { username, domain } = parseHandle(handle);
  const known = await findRemoteAccountByHandle(ctx, username, domain);
  if (known && !isStale(ctx, known)) return known;
  return (await ctx.ports.remote.resolveHandle(username, domain)) ?? known ?? null;
}
