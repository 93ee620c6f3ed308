import type { Kysely } from "kysely";
import type { DatabaseSchema } from "../../db/schema.ts";
import type { CoreContext } from "../context.ts";
import { loadPollTallies, pollOptions, type PollTally } from "../statuses/polls.ts";
import { statusRowById } from "../statuses/status-store.ts";
import type { AccountRow, CustomEmojiRow, MediaAttachmentRow, PollRow, StatusRow } from "../rows.ts";

/**
 * A status with everything that travels with it when it is federated: its author, whom it mentions, its
 * hashtags and custom emoji, media, poll with tallies, and the statuses it answers, quotes or boosts. One
 * read, for federation's Note and activity builders and the object and outbox dispatchers.
 */

type Db = Kysely<DatabaseSchema>;

export interface LinkedStatus {
  status: StatusRow;
  author: AccountRow;
}

export interface StatusParts {
  status: StatusRow;
  author: AccountRow;
  mentions: Array<{ account: AccountRow; silent: boolean }>;
  /** Hashtags as first written. */
  tags: string[];
  /** Custom emoji whose :shortcode: the text uses, from the author's server (ours: domain null). */
  emojis: CustomEmojiRow[];
  media: MediaAttachmentRow[];
  poll: { row: PollRow; options: string[]; tally: PollTally } | null;
  inReplyTo: LinkedStatus | null;
  quote: LinkedStatus | null;
  reblogOf: LinkedStatus | null;
}

const SHORTCODE_IN_TEXT = /:([a-zA-Z0-9_]{2,}):/g;

async function linked(db: Db, statusId: string | null): Promise<LinkedStatus | null> {
  if (statusId === null) return null;
  const status = await statusRowById(db, statusId);
  if (!status) return null;
  const author = await db.selectFrom("accounts").selectAll().where("id", "=", status.account_id).executeTakeFirstOrThrow();
  return { status, author };
}

async function emojisUsed(db: Db, status: StatusRow, author: AccountRow, poll: string[]): Promise<CustomEmojiRow[]> {
  const text = [status.content, status.spoiler_text, ...poll].join(" ");
  const shortcodes = [...new Set([...text.matchAll(SHORTCODE_IN_TEXT)].map((match) => match[1] ?? ""))].filter((code) => code !== "");
  if (shortcodes.length === 0) return [];
  let query = db.selectFrom("custom_emojis").selectAll().where("shortcode", "in", shortcodes);
  query = author.domain === null ? query.where("domain", "is", null) : query.where("domain", "=", author.domain);
  return query.execute();
}

export async function loadStatusParts(ctx: CoreContext, statusId: string): Promise<StatusParts | undefined> {
  const db = ctx.db;
  const status = await statusRowById(db, statusId);
  if (!status) return undefined;
  const author = await db.selectFrom("accounts").selectAll().where("id", "=", status.account_id).executeTakeFirstOrThrow();
  const mentionRows = await db
    .selectFrom("mentions")
    .innerJoin("accounts", "accounts.id", "mentions.account_id")
    .selectAll("accounts")
    .select("mentions.silent as mention_silent")
    .where("mentions.status_id", "=", status.id)
    .execute();
  const tags = await db
    .selectFrom("status_tags")
    .innerJoin("tags", "tags.id", "status_tags.tag_id")
    .select("tags.display_name")
    .where("status_tags.status_id", "=", status.id)
    .execute();
  const media = await db.selectFrom("media_attachments").selectAll().where("status_id", "=", status.id).orderBy("position").execute();
  const pollRow = await db.selectFrom("polls").selectAll().where("status_id", "=", status.id).executeTakeFirst();
  const tallies = pollRow ? await loadPollTallies(db, [pollRow]) : undefined;
  const options = pollRow ? pollOptions(pollRow) : [];
  return {
    status,
    author,
    mentions: mentionRows.map(({ mention_silent, ...account }) => ({ account, silent: mention_silent === 1 })),
    tags: tags.map((row) => row.display_name),
    emojis: await emojisUsed(db, status, author, options),
    media,
    poll: pollRow ? { row: pollRow, options, tally: tallies?.get(pollRow.id) ?? { votes: options.map(() => 0), votersCount: 0 } } : null,
    inReplyTo: await linked(db, status.in_reply_to_id),
    quote: await linked(db, status.quote_of_id),
    reblogOf: await linked(db, status.reblog_of_id),
  };
}
