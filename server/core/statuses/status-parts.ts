import type { Kysely } from "kysely";
import { statusPartsCacheOf } from "../../db/page-read-caches.ts";
import { queryByIds } from "../../db/queries-by-ids.ts";
import type { DatabaseSchema } from "../../db/schema.ts";
import type { MediaAttachmentRow, PollRow } from "../rows.ts";

type Db = Kysely<DatabaseSchema>;

export interface MentionPart {
  status_id: string;
  account_id: string;
}
export interface TagPart {
  status_id: string;
  name: string;
  display_name: string;
}
export interface CardPart {
  status_id: string;
  card_json: string;
}

/** What a page's statuses show beside their rows, as rows of each table (in the order each is stored). */
export interface StatusPartRows {
  mentions: MentionPart[];
  tags: TagPart[];
  media: MediaAttachmentRow[];
  polls: PollRow[];
  cards: CardPart[];
  /**
   * Each status's parts as the parts' cache holds them: the same object page after page until one of them
   * changes, by which what is made from them is kept (api/entities/status-json.ts).
   */
  byStatus: ReadonlyMap<string, StatusParts>;
}

/** One status's parts, as the parts' cache holds them. */
export interface StatusParts {
  mentions: readonly MentionPart[];
  tags: readonly TagPart[];
  media: readonly MediaAttachmentRow[];
  poll: PollRow | undefined;
  card: CardPart | undefined;
}

// Each one query by the page's status ids, compiled once per number of ids (queries-by-ids.ts).
const mentionsOf = queryByIds((db, ids) => db.selectFrom("mentions").select(["status_id", "account_id"]).where("status_id", "in", ids));
const tagsOf = queryByIds((db, ids) =>
  db
    .selectFrom("status_tags")
    .innerJoin("tags", "tags.id", "status_tags.tag_id")
    .select(["status_tags.status_id", "tags.name", "tags.display_name"])
    .where("status_tags.status_id", "in", ids),
);
const mediaOf = queryByIds((db, ids) => db.selectFrom("media_attachments").selectAll().where("status_id", "in", ids).orderBy("position"));
const pollsOf = queryByIds((db, ids) => db.selectFrom("polls").selectAll().where("status_id", "in", ids));
const cardsOf = queryByIds((db, ids) =>
  db
    .selectFrom("status_preview_cards")
    .innerJoin("preview_cards", "preview_cards.id", "status_preview_cards.preview_card_id")
    .select(["status_preview_cards.status_id", "preview_cards.card_json"])
    .where("status_preview_cards.status_id", "in", ids),
);

const NONE: readonly never[] = [];

/**
 * The mentions, tags, media, polls and preview cards of these statuses, those the parts' cache
 * (db/page-read-caches.ts) does not hold read in five queries: a fresh page asked all five again for its forty
 * statuses though only a new one could have any it had not read (issue #19). The cache forgets a status's
 * parts whenever one of them comes, changes or goes (a media description, a card fetched, a tag renamed).
 * The rows are shared by every page that reads them: read them, never change them.
 */
export async function loadStatusParts(db: Db, ids: readonly string[], pageMark: number | undefined): Promise<StatusPartRows> {
  const byId = new Map<string, StatusParts>();
  const found: StatusPartRows = { mentions: [], tags: [], media: [], polls: [], cards: [], byStatus: byId };
  if (ids.length === 0) return found;
  const cache = statusPartsCacheOf<StatusParts>(db);
  const since = pageMark ?? cache?.mark() ?? 0;
  const missing: string[] = [];
  for (const id of ids) {
    const cached = cache?.get(id);
    if (cached) byId.set(id, cached);
    else missing.push(id);
  }
  if (missing.length > 0) {
    const [mentions, tags, media, polls, cards] = await Promise.all([mentionsOf(db, missing), tagsOf(db, missing), mediaOf(db, missing), pollsOf(db, missing), cardsOf(db, missing)]);
    const read = new Map<string, { mentions: MentionPart[]; tags: TagPart[]; media: MediaAttachmentRow[]; poll: PollRow | undefined; card: CardPart | undefined }>(
      missing.map((id) => [id, { mentions: [], tags: [], media: [], poll: undefined, card: undefined }]),
    );
    for (const row of mentions) read.get(row.status_id)?.mentions.push(row);
    for (const row of tags) read.get(row.status_id)?.tags.push(row);
    for (const row of media) if (row.status_id !== null) read.get(row.status_id)?.media.push(row);
    for (const row of polls) {
      const parts = read.get(row.status_id);
      if (parts) parts.poll = row;
    }
    for (const row of cards) {
      const parts = read.get(row.status_id);
      if (parts) parts.card = row;
    }
    for (const [id, parts] of read) {
      // Most statuses have none of some parts: one shared empty list rather than one each.
      const kept: StatusParts = {
        mentions: parts.mentions.length === 0 ? NONE : parts.mentions,
        tags: parts.tags.length === 0 ? NONE : parts.tags,
        media: parts.media.length === 0 ? NONE : parts.media,
        poll: parts.poll,
        card: parts.card,
      };
      byId.set(id, kept);
      cache?.keep(since, id, kept);
    }
  }
  for (const id of ids) {
    const parts = byId.get(id)!;
    for (const row of parts.mentions) found.mentions.push(row);
    for (const row of parts.tags) found.tags.push(row);
    for (const row of parts.media) found.media.push(row);
    if (parts.poll) found.polls.push(parts.poll);
    if (parts.card) found.cards.push(parts.card);
  }
  return found;
}
