import { sql, type Kysely } from "kysely";
import type { CreateTableBuilder } from "kysely";
import { createAccountStats } from "./0006-account-stats.ts";

/**
 * Everything a social life is made of: statuses and what hangs off them, interactions, notifications, the
 * home feed, blocks and mutes, lists, filters, markers, push subscriptions and the health of peers.
 * One migration so that core, api and federation were written against one agreed shape.
 */

type Table = CreateTableBuilder<string, string>;

const text = "text" as const;
const integer = "integer" as const;

function idColumn(table: Table): Table {
  return table.addColumn("id", text, (c) => c.primaryKey());
}

function accountColumn(table: Table, name = "account_id"): Table {
  return table.addColumn(name, text, (c) => c.notNull().references("accounts.id").onDelete("cascade"));
}

function statusColumn(table: Table, name = "status_id"): Table {
  return table.addColumn(name, text, (c) => c.notNull().references("statuses.id").onDelete("cascade"));
}

const createdAt = (table: Table) => table.addColumn("created_at", text, (c) => c.notNull());

export async function up(db: Kysely<unknown>): Promise<void> {
  // Direct conversations: remote ones keep the `context` (or Misskey/Pleroma `conversation`) they came with.
  await createdAt(idColumn(db.schema.createTable("conversations")).addColumn("uri", text, (c) => c.unique())).execute();

  // Statuses, local and remote, and boosts (a row whose reblog_of_id names the boosted status), as Mastodon
  // keeps them. Local statuses have no stored uri: theirs derives from the canonical origin, as accounts' do.
  await accountColumn(idColumn(db.schema.createTable("statuses")))
    .addColumn("uri", text, (c) => c.unique())
    .addColumn("url", text)
    .addColumn("local", integer, (c) => c.notNull())
    .addColumn("in_reply_to_id", text, (c) => c.references("statuses.id").onDelete("set null"))
    // Kept when the parent is not (yet) stored, so a later arrival can be threaded.
    .addColumn("in_reply_to_uri", text)
    .addColumn("in_reply_to_account_id", text, (c) => c.references("accounts.id").onDelete("set null"))
    .addColumn("reblog_of_id", text, (c) => c.references("statuses.id").onDelete("cascade"))
    .addColumn("quote_of_id", text, (c) => c.references("statuses.id").onDelete("set null"))
    .addColumn("quote_uri", text)
    .addColumn("conversation_id", text, (c) => c.references("conversations.id").onDelete("set null"))
    .addColumn("visibility", text, (c) => c.notNull().check(sql`visibility IN ('public', 'unlisted', 'private', 'direct')`))
    // Sanitised HTML, ready for any client.
    .addColumn("content", text, (c) => c.notNull().defaultTo(""))
    // What the local author typed (Mastodon's status source), for edit and delete-and-redraft.
    .addColumn("text", text)
    .addColumn("spoiler_text", text, (c) => c.notNull().defaultTo(""))
    .addColumn("sensitive", integer, (c) => c.notNull().defaultTo(0))
    .addColumn("language", text)
    .addColumn("application_id", text, (c) => c.references("oauth_applications.id").onDelete("set null"))
    .addColumn("created_at", text, (c) => c.notNull())
    .addColumn("edited_at", text)
    .addColumn("updated_at", text, (c) => c.notNull())
    .addColumn("fetched_at", text)
    .execute();
  await db.schema.createIndex("statuses_account_id").on("statuses").columns(["account_id", "id"]).execute();
  // Profile numbers (statuses but direct ones, the last one's time) read from the index alone.
  await db.schema.createIndex("statuses_account_visibility").on("statuses").columns(["account_id", "visibility", "id"]).execute();
  await db.schema.createIndex("statuses_public").on("statuses").columns(["visibility", "local", "id"]).execute();
  await db.schema.createIndex("statuses_in_reply_to_id").on("statuses").columns(["in_reply_to_id", "id"]).execute();
  await db.schema.createIndex("statuses_in_reply_to_uri").on("statuses").column("in_reply_to_uri").execute();
  // A quote that arrived before the status it quotes is linked up when that status is stored.
  await db.schema.createIndex("statuses_quote_uri").on("statuses").column("quote_uri").execute();
  await db.schema.createIndex("statuses_reblog_of_id").on("statuses").columns(["reblog_of_id", "account_id"]).execute();
  await db.schema.createIndex("statuses_conversation_id").on("statuses").columns(["conversation_id", "id"]).execute();

  // Every version of a status but the current one's text, for /api/v1/statuses/:id/history.
  await createdAt(statusColumn(idColumn(db.schema.createTable("status_edits"))))
    .addColumn("content", text, (c) => c.notNull())
    .addColumn("spoiler_text", text, (c) => c.notNull())
    .addColumn("sensitive", integer, (c) => c.notNull())
    .addColumn("media_ids_json", text, (c) => c.notNull().defaultTo("[]"))
    .addColumn("poll_options_json", text)
    .execute();
  await db.schema.createIndex("status_edits_status_id").on("status_edits").columns(["status_id", "id"]).execute();

  // Uploads wait unattached (status_id null) until a status takes them; remote media stays at remote_url.
  await accountColumn(idColumn(db.schema.createTable("media_attachments")))
    .addColumn("status_id", text, (c) => c.references("statuses.id").onDelete("set null"))
    .addColumn("position", integer, (c) => c.notNull().defaultTo(0))
    .addColumn("type", text, (c) => c.notNull().check(sql`type IN ('image', 'gifv', 'video', 'audio', 'unknown')`))
    .addColumn("content_type", text)
    // Paths relative to the data directory's media/ folder.
    .addColumn("file", text)
    .addColumn("thumbnail_file", text)
    .addColumn("remote_url", text)
    // The peer's own preview (a video's still frame): Mastodon's preview_remote_url.
    .addColumn("thumbnail_remote_url", text)
    // Held by a scheduled status until it is posted, so the cleanup of unattached uploads leaves it alone.
    .addColumn("scheduled_status_id", text, (c) => c.references("scheduled_statuses.id").onDelete("set null"))
    .addColumn("description", text)
    .addColumn("blurhash", text)
    .addColumn("focus_x", "real")
    .addColumn("focus_y", "real")
    // Mastodon's meta: original and small sizes, duration.
    .addColumn("meta_json", text, (c) => c.notNull().defaultTo("{}"))
    .addColumn("processing", text, (c) => c.notNull().defaultTo("done").check(sql`processing IN ('pending', 'done', 'failed')`))
    .addColumn("created_at", text, (c) => c.notNull())
    .addColumn("updated_at", text, (c) => c.notNull())
    .execute();
  await db.schema.createIndex("media_attachments_status_id").on("media_attachments").columns(["status_id", "position"]).execute();
  await db.schema.createIndex("media_attachments_account_id").on("media_attachments").columns(["account_id", "id"]).execute();

  // Who a status mentions; silent mentions (a reply's inherited ones) address without notifying.
  await accountColumn(statusColumn(db.schema.createTable("mentions")))
    .addColumn("silent", integer, (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint("mentions_pk", ["status_id", "account_id"])
    .execute();
  await db.schema.createIndex("mentions_account_id").on("mentions").columns(["account_id", "status_id"]).execute();

  await createdAt(idColumn(db.schema.createTable("tags")))
    // Lower-cased for lookup; display_name keeps the first spelling seen.
    .addColumn("name", text, (c) => c.notNull().unique())
    .addColumn("display_name", text, (c) => c.notNull())
    .execute();
  await statusColumn(db.schema.createTable("status_tags"))
    .addColumn("tag_id", text, (c) => c.notNull().references("tags.id").onDelete("cascade"))
    .addPrimaryKeyConstraint("status_tags_pk", ["status_id", "tag_id"])
    .execute();
  await db.schema.createIndex("status_tags_tag_id").on("status_tags").columns(["tag_id", "status_id"]).execute();
  await createdAt(accountColumn(idColumn(db.schema.createTable("tag_follows"))))
    .addColumn("tag_id", text, (c) => c.notNull().references("tags.id").onDelete("cascade"))
    .addUniqueConstraint("tag_follows_account_tag", ["account_id", "tag_id"])
    .execute();

  // Remote custom emoji as they arrive in tags, and (later) our own. Matched to :shortcode: in text by domain.
  await idColumn(db.schema.createTable("custom_emojis"))
    .addColumn("shortcode", text, (c) => c.notNull())
    .addColumn("domain", text)
    .addColumn("uri", text)
    .addColumn("image_url", text, (c) => c.notNull())
    .addColumn("file", text)
    .addColumn("visible_in_picker", integer, (c) => c.notNull().defaultTo(1))
    .addColumn("category", text)
    .addColumn("updated_at", text, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("custom_emojis_shortcode_domain")
    .on("custom_emojis")
    .unique()
    .expression(sql`shortcode, coalesce(domain, '')`)
    .execute();

  // Interactions. uri is the Like/Announce/EmojiReact activity's id: ours for local acts, the peer's otherwise.
  for (const name of ["favourites", "bookmarks", "status_pins"] as const) {
    let table = createdAt(statusColumn(accountColumn(idColumn(db.schema.createTable(name)))));
    if (name === "favourites") table = table.addColumn("uri", text, (c) => c.unique());
    await table.addUniqueConstraint(`${name}_account_status`, ["account_id", "status_id"]).execute();
    await db.schema.createIndex(`${name}_status_id`).on(name).column("status_id").execute();
    await db.schema.createIndex(`${name}_account_id`).on(name).columns(["account_id", "id"]).execute();
  }
  // Misskey-style emoji reactions: a unicode emoji, or a custom one by :shortcode: with its image.
  await createdAt(statusColumn(accountColumn(idColumn(db.schema.createTable("reactions")))))
    .addColumn("name", text, (c) => c.notNull())
    .addColumn("custom_emoji_id", text, (c) => c.references("custom_emojis.id").onDelete("set null"))
    .addColumn("uri", text, (c) => c.unique())
    .addUniqueConstraint("reactions_account_status_name", ["account_id", "status_id", "name"])
    .execute();
  await db.schema.createIndex("reactions_status_id").on("reactions").columns(["status_id", "name"]).execute();

  // A muted conversation silences its notifications for one account.
  await accountColumn(db.schema.createTable("conversation_mutes"))
    .addColumn("conversation_id", text, (c) => c.notNull().references("conversations.id").onDelete("cascade"))
    .addPrimaryKeyConstraint("conversation_mutes_pk", ["account_id", "conversation_id"])
    .execute();

  // Polls. Local polls count poll_votes; remote ones keep the tallies their server last told us
  // (cached_tallies_json), and our own votes on them are in poll_votes too, to answer `voted` and `own_votes`.
  await statusColumn(idColumn(db.schema.createTable("polls")))
    .addColumn("options_json", text, (c) => c.notNull())
    .addColumn("cached_tallies_json", text)
    .addColumn("voters_count", integer)
    .addColumn("multiple", integer, (c) => c.notNull().defaultTo(0))
    .addColumn("hide_totals", integer, (c) => c.notNull().defaultTo(0))
    .addColumn("expires_at", text)
    .addColumn("closed_at", text)
    .addColumn("created_at", text, (c) => c.notNull())
    .addColumn("updated_at", text, (c) => c.notNull())
    .addUniqueConstraint("polls_status_id", ["status_id"])
    .execute();
  await createdAt(accountColumn(idColumn(db.schema.createTable("poll_votes"))))
    .addColumn("poll_id", text, (c) => c.notNull().references("polls.id").onDelete("cascade"))
    .addColumn("choice", integer, (c) => c.notNull())
    .addColumn("uri", text, (c) => c.unique())
    .addUniqueConstraint("poll_votes_account_choice", ["poll_id", "account_id", "choice"])
    .execute();

  // Notifications for local accounts. One per (recipient, type, sender, status): a redelivered activity or a
  // catch-up never notifies twice.
  await createdAt(accountColumn(idColumn(db.schema.createTable("notifications"))))
    .addColumn("type", text, (c) => c.notNull())
    .addColumn("from_account_id", text, (c) => c.notNull().references("accounts.id").onDelete("cascade"))
    .addColumn("status_id", text, (c) => c.references("statuses.id").onDelete("cascade"))
    // For admin.report: the report.
    .addColumn("report_id", text)
    .addColumn("group_key", text, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("notifications_unique")
    .on("notifications")
    .unique()
    // The report too: two reports by one account are two notifications.
    .expression(sql`account_id, type, from_account_id, coalesce(status_id, ''), coalesce(report_id, '')`)
    .execute();
  await db.schema.createIndex("notifications_account_id").on("notifications").columns(["account_id", "id"]).execute();

  // The home timeline, written when a status arrives (Mastodon's feed, kept in SQLite rather than Redis):
  // reading it is one range scan however many accounts are followed.
  await accountColumn(statusColumn(db.schema.createTable("home_feed")))
    .addPrimaryKeyConstraint("home_feed_pk", ["account_id", "status_id"])
    .modifyEnd(sql`WITHOUT ROWID`)
    .execute();

  // Blocks and mutes between accounts; uri is the Block activity's id.
  await createdAt(accountColumn(accountColumn(idColumn(db.schema.createTable("blocks"))), "target_account_id"))
    .addColumn("uri", text, (c) => c.unique())
    .addUniqueConstraint("blocks_account_target", ["account_id", "target_account_id"])
    .execute();
  await db.schema.createIndex("blocks_target_account_id").on("blocks").column("target_account_id").execute();
  await createdAt(accountColumn(accountColumn(idColumn(db.schema.createTable("mutes"))), "target_account_id"))
    .addColumn("hide_notifications", integer, (c) => c.notNull().defaultTo(1))
    .addColumn("expires_at", text)
    .addUniqueConstraint("mutes_account_target", ["account_id", "target_account_id"])
    .execute();
  // A local account's own domain blocks (Mastodon's account domain blocks)...
  await createdAt(accountColumn(idColumn(db.schema.createTable("account_domain_blocks"))))
    .addColumn("domain", text, (c) => c.notNull())
    .addUniqueConstraint("account_domain_blocks_account_domain", ["account_id", "domain"])
    .execute();
  // ...and the instance's: nothing from these domains is stored or delivered.
  await createdAt(idColumn(db.schema.createTable("instance_domain_blocks")))
    .addColumn("domain", text, (c) => c.notNull().unique())
    .addColumn("reason", text)
    .execute();

  // Reports: Flag activities from peers, and reports our users file.
  await createdAt(idColumn(db.schema.createTable("reports")))
    .addColumn("account_id", text, (c) => c.notNull().references("accounts.id").onDelete("cascade"))
    .addColumn("target_account_id", text, (c) => c.notNull().references("accounts.id").onDelete("cascade"))
    .addColumn("status_ids_json", text, (c) => c.notNull().defaultTo("[]"))
    .addColumn("comment", text, (c) => c.notNull().defaultTo(""))
    .addColumn("category", text, (c) => c.notNull().defaultTo("other"))
    .addColumn("forward", integer, (c) => c.notNull().defaultTo(0))
    .addColumn("uri", text, (c) => c.unique())
    .addColumn("action_taken_at", text)
    .execute();

  await createdAt(accountColumn(idColumn(db.schema.createTable("lists"))))
    .addColumn("title", text, (c) => c.notNull())
    .addColumn("replies_policy", text, (c) => c.notNull().defaultTo("list").check(sql`replies_policy IN ('followed', 'list', 'none')`))
    .addColumn("exclusive", integer, (c) => c.notNull().defaultTo(0))
    .execute();
  await accountColumn(db.schema.createTable("list_accounts"))
    .addColumn("list_id", text, (c) => c.notNull().references("lists.id").onDelete("cascade"))
    .addPrimaryKeyConstraint("list_accounts_pk", ["list_id", "account_id"])
    .execute();
  await db.schema.createIndex("list_accounts_account_id").on("list_accounts").column("account_id").execute();

  // Filters v2: keywords and statuses, per context, hiding or warning.
  await createdAt(accountColumn(idColumn(db.schema.createTable("filters"))))
    .addColumn("title", text, (c) => c.notNull())
    .addColumn("context_json", text, (c) => c.notNull())
    .addColumn("action", text, (c) => c.notNull().defaultTo("warn").check(sql`action IN ('warn', 'hide', 'blur')`))
    .addColumn("expires_at", text)
    .execute();
  await idColumn(db.schema.createTable("filter_keywords"))
    .addColumn("filter_id", text, (c) => c.notNull().references("filters.id").onDelete("cascade"))
    .addColumn("keyword", text, (c) => c.notNull())
    .addColumn("whole_word", integer, (c) => c.notNull().defaultTo(1))
    .execute();
  await statusColumn(idColumn(db.schema.createTable("filter_statuses")))
    .addColumn("filter_id", text, (c) => c.notNull().references("filters.id").onDelete("cascade"))
    .execute();

  // Where each client left off reading (the markers API).
  await accountColumn(db.schema.createTable("markers"))
    .addColumn("timeline", text, (c) => c.notNull().check(sql`timeline IN ('home', 'notifications')`))
    .addColumn("last_read_id", text, (c) => c.notNull())
    .addColumn("version", integer, (c) => c.notNull().defaultTo(1))
    .addColumn("updated_at", text, (c) => c.notNull())
    .addPrimaryKeyConstraint("markers_pk", ["account_id", "timeline"])
    .execute();

  // A retried POST /api/v1/statuses with the same Idempotency-Key answers the status it made the first time.
  await createdAt(accountColumn(db.schema.createTable("idempotency_keys")))
    .addColumn("key", text, (c) => c.notNull())
    .addColumn("status_id", text, (c) => c.notNull().references("statuses.id").onDelete("cascade"))
    .addPrimaryKeyConstraint("idempotency_keys_pk", ["account_id", "key"])
    .execute();

  await createdAt(accountColumn(idColumn(db.schema.createTable("scheduled_statuses"))))
    .addColumn("scheduled_at", text, (c) => c.notNull())
    // The create-status parameters as the client sent them, replayed when the time comes.
    .addColumn("params_json", text, (c) => c.notNull())
    .addColumn("application_id", text, (c) => c.references("oauth_applications.id").onDelete("set null"))
    .execute();
  await db.schema.createIndex("scheduled_statuses_due").on("scheduled_statuses").column("scheduled_at").execute();

  // Direct conversations as each local participant sees them (Mastodon's account_conversations).
  await accountColumn(idColumn(db.schema.createTable("account_conversations")))
    .addColumn("conversation_id", text, (c) => c.notNull().references("conversations.id").onDelete("cascade"))
    .addColumn("last_status_id", text, (c) => c.references("statuses.id").onDelete("set null"))
    .addColumn("participant_account_ids_json", text, (c) => c.notNull().defaultTo("[]"))
    .addColumn("unread", integer, (c) => c.notNull().defaultTo(1))
    .addColumn("updated_at", text, (c) => c.notNull())
    .addUniqueConstraint("account_conversations_account_conversation", ["account_id", "conversation_id"])
    .execute();

  // Link previews, fetched once per URL.
  await idColumn(db.schema.createTable("preview_cards"))
    .addColumn("url", text, (c) => c.notNull().unique())
    .addColumn("card_json", text, (c) => c.notNull())
    .addColumn("fetched_at", text, (c) => c.notNull())
    .execute();
  await statusColumn(db.schema.createTable("status_preview_cards"))
    .addColumn("preview_card_id", text, (c) => c.notNull().references("preview_cards.id").onDelete("cascade"))
    .addPrimaryKeyConstraint("status_preview_cards_pk", ["status_id"])
    .execute();

  // Web Push: one subscription per access token, as Mastodon has it.
  await createdAt(idColumn(db.schema.createTable("push_subscriptions")))
    .addColumn("access_token_id", text, (c) => c.notNull().unique().references("oauth_access_tokens.id").onDelete("cascade"))
    .addColumn("account_id", text, (c) => c.notNull().references("accounts.id").onDelete("cascade"))
    .addColumn("endpoint", text, (c) => c.notNull())
    .addColumn("p256dh", text, (c) => c.notNull())
    .addColumn("auth", text, (c) => c.notNull())
    // RFC 8291 (aes128gcm) when the app says it speaks the standard; otherwise the older aesgcm draft, which
    // apps written for Mastodon before 4.4 decrypt.
    .addColumn("standard", integer, (c) => c.notNull().defaultTo(0))
    // The token itself, unlike everywhere else: Mastodon's push payload carries it, and apps (the official
    // ones, Ice Cubes) find the account a push belongs to by it. Gone with the subscription.
    .addColumn("access_token", text, (c) => c.notNull())
    .addColumn("alerts_json", text, (c) => c.notNull())
    .addColumn("policy", text, (c) => c.notNull().defaultTo("all").check(sql`policy IN ('all', 'followed', 'follower', 'none')`))
    .addColumn("updated_at", text, (c) => c.notNull())
    .execute();

  // Small instance-wide secrets and settings that are not worth a table each (the VAPID key pair, ...).
  await db.schema
    .createTable("instance_settings")
    .addColumn("key", text, (c) => c.primaryKey())
    .addColumn("value", text, (c) => c.notNull())
    .addColumn("updated_at", text, (c) => c.notNull())
    .execute();

  // How each peer host has answered our deliveries, so a dead server is skipped rather than waited on.
  await db.schema
    .createTable("peer_hosts")
    .addColumn("host", text, (c) => c.primaryKey())
    .addColumn("last_success_at", text)
    .addColumn("last_failure_at", text)
    .addColumn("failing_since", text)
    .addColumn("consecutive_failures", integer, (c) => c.notNull().defaultTo(0))
    .execute();

  // Full-text search over statuses' visible text, kept by core as statuses are stored, edited and deleted.
  await sql`CREATE VIRTUAL TABLE status_search USING fts5(status_id UNINDEXED, body, tokenize = 'unicode61 remove_diacritics 2')`.execute(db);

  // Which languages a follower wants from the account followed (Mastodon's follow `languages`); null for all.
  await db.schema.alterTable("follows").addColumn("languages_json", text).execute();
  // A private note a local account keeps about another (shown only to its writer, in the Relationship).
  await accountColumn(accountColumn(db.schema.createTable("account_notes")), "target_account_id")
    .addColumn("comment", text, (c) => c.notNull())
    .addColumn("updated_at", text, (c) => c.notNull())
    .addPrimaryKeyConstraint("account_notes_pk", ["account_id", "target_account_id"])
    .execute();
  // Accounts a local account features on its profile (Mastodon's endorsements, "feature on profile").
  await createdAt(accountColumn(accountColumn(idColumn(db.schema.createTable("account_endorsements"))), "target_account_id"))
    .addUniqueConstraint("account_endorsements_account_target", ["account_id", "target_account_id"])
    .execute();

  // Profile numbers kept by triggers (after statuses and follows exist).
  await createAccountStats(db);
}
