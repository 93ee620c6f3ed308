import { sql, type Expression, type ExpressionBuilder, type SqlBool } from "kysely";
import type { DatabaseSchema, MediaType } from "../../db/schema.ts";
import { findRemoteAccountByHandle } from "../accounts/remote-accounts.ts";
import type { CoreContext } from "../context.ts";
import type { DateBound, Negatable, SearchQuery, StatusProperty, StatusScope } from "./search-query.ts";

/**
 * The operators of a search (search-query.ts) as conditions on `statuses` rows, as Mastodon's
 * SearchQueryTransformer turns them into filters of its index.
 */

type StatusesEb = ExpressionBuilder<DatabaseSchema, "statuses">;
type Condition = (eb: StatusesEb) => Expression<SqlBool>;

const DAY_MS = 86_400_000;

function negatable(isNegated: boolean, condition: Condition): Condition {
  return isNegated ? (eb) => eb.not(condition(eb)) : condition;
}

function hasMedia(eb: StatusesEb, types: readonly MediaType[] | null): Expression<SqlBool> {
  let media = eb.selectFrom("media_attachments").select("media_attachments.id").whereRef("media_attachments.status_id", "=", "statuses.id");
  if (types) media = media.where("media_attachments.type", "in", [...types]);
  return eb.exists(media);
}

/** Mastodon's Status#searchable_properties, one by one. */
function propertyCondition(property: StatusProperty): Condition {
  switch (property) {
    case "media":
      return (eb) => hasMedia(eb, null);
    case "image":
      return (eb) => hasMedia(eb, ["image"]);
    case "video":
      // A GIF is sent as a silent looping video (gifv): to a person it is a video.
      return (eb) => hasMedia(eb, ["video", "gifv"]);
    case "audio":
      return (eb) => hasMedia(eb, ["audio"]);
    case "poll":
      return (eb) => eb.exists(eb.selectFrom("polls").select("polls.id").whereRef("polls.status_id", "=", "statuses.id"));
    case "link":
      return (eb) => eb.exists(eb.selectFrom("status_preview_cards").select("status_preview_cards.status_id").whereRef("status_preview_cards.status_id", "=", "statuses.id"));
    case "embed":
      // Mastodon's preview_card&.video?: a card with a player.
      return (eb) =>
        eb.exists(
          eb
            .selectFrom("status_preview_cards")
            .innerJoin("preview_cards", "preview_cards.id", "status_preview_cards.preview_card_id")
            .select("status_preview_cards.status_id")
            .whereRef("status_preview_cards.status_id", "=", "statuses.id")
            .where(sql<string>`json_extract(preview_cards.card_json, '$.type')`, "=", "video"),
        );
    case "reply":
      // A reply whose parent we never stored is a reply all the same.
      return (eb) => eb.or([eb("statuses.in_reply_to_id", "is not", null), eb("statuses.in_reply_to_uri", "is not", null)]);
    case "sensitive":
      // Mastodon marks a status with a content warning sensitive as it is posted; a peer may not have.
      return (eb) => eb.or([eb("statuses.sensitive", "=", 1), eb("statuses.spoiler_text", "!=", "")]);
  }
}

/**
 * Days as Mastodon's date ranges read them: before:D is before D began, after:D after it ended, during:D
 * within it. Mastodon counts days in the user's time zone; Hearth keeps none for its users, so days are UTC,
 * Mastodon's default.
 */
function dateCondition(bound: DateBound): Condition {
  const start = `${bound.day}T00:00:00.000Z`;
  const end = new Date(Date.parse(start) + DAY_MS).toISOString();
  switch (bound.kind) {
    case "before":
      return negatable(bound.isNegated, (eb) => eb("statuses.created_at", "<", start));
    case "after":
      return negatable(bound.isNegated, (eb) => eb("statuses.created_at", ">=", end));
    case "during":
      return negatable(bound.isNegated, (eb) => eb.and([eb("statuses.created_at", ">=", start), eb("statuses.created_at", "<", end)]));
  }
}

function languageCondition(language: Negatable<string>): Condition {
  const code = language.value;
  return negatable(language.isNegated, (eb) =>
    eb.or([eb(eb.fn("lower", ["statuses.language"]), "=", code), eb(eb.fn("lower", ["statuses.language"]), "like", `${code.replace(/[\\%_]/g, "")}-%`)]),
  );
}

/**
 * The scope of in: as Mastodon's two indexes hold statuses. library: what the viewer wrote, was mentioned in,
 * favourited, boosted, bookmarked or voted in (Status#searchable_by). public: public statuses of accounts that
 * let themselves be indexed (PublicStatusesIndex). all, with no in:, is everything the viewer may see: on a
 * server of one's own, every status that arrived is one's own archive, which is more than Mastodon's union of
 * the two.
 */
function scopeCondition(scope: StatusScope, viewerId: string): Condition | undefined {
  switch (scope) {
    case "all":
      return undefined;
    case "public":
      return (eb) =>
        eb.and([
          eb("statuses.visibility", "=", "public"),
          eb.exists(eb.selectFrom("accounts").select("accounts.id").whereRef("accounts.id", "=", "statuses.account_id").where("accounts.is_indexable", "=", 1)),
        ]);
    case "library":
      return (eb) =>
        eb.or([
          eb("statuses.account_id", "=", viewerId),
          eb.exists(eb.selectFrom("mentions").select("mentions.status_id").whereRef("mentions.status_id", "=", "statuses.id").where("mentions.account_id", "=", viewerId)),
          eb.exists(eb.selectFrom("favourites").select("favourites.status_id").whereRef("favourites.status_id", "=", "statuses.id").where("favourites.account_id", "=", viewerId)),
          eb.exists(eb.selectFrom("bookmarks").select("bookmarks.status_id").whereRef("bookmarks.status_id", "=", "statuses.id").where("bookmarks.account_id", "=", viewerId)),
          eb.exists(
            eb
              .selectFrom("statuses as boosts")
              .select("boosts.id")
              .whereRef("boosts.reblog_of_id", "=", "statuses.id")
              .where("boosts.account_id", "=", viewerId),
          ),
          eb.exists(
            eb
              .selectFrom("poll_votes")
              .innerJoin("polls", "polls.id", "poll_votes.poll_id")
              .select("poll_votes.id")
              .whereRef("polls.status_id", "=", "statuses.id")
              .where("poll_votes.account_id", "=", viewerId),
          ),
        ]);
  }
}

/**
 * The account a from: names: me, a local username, or name@domain (ours or a stored remote account). Undefined
 * when we know no such account: Mastodon then matches nothing, rather than ignoring the operator.
 */
async function fromAccountId(ctx: CoreContext, value: string, viewerId: string, origin: string): Promise<string | undefined> {
  if (value === "me") return viewerId;
  const [username = "", domain] = value.split("@");
  if (username === "") return undefined;
  if (domain === undefined || domain === "" || domain === new URL(origin).host.toLowerCase()) {
    const local = await ctx.db
      .selectFrom("accounts")
      .select("id")
      .where((eb) => eb(eb.fn("lower", ["username"]), "=", username))
      .where("domain", "is", null)
      .executeTakeFirst();
    return local?.id;
  }
  return (await findRemoteAccountByHandle(ctx, username, domain))?.id;
}

/** Every operator of the query as conditions; from: accounts are looked up once, here. */
export async function operatorConditions(ctx: CoreContext, query: SearchQuery, viewerId: string, origin: string): Promise<Condition[]> {
  const conditions: Condition[] = [];
  for (const from of query.from) {
    const accountId = await fromAccountId(ctx, from.value, viewerId, origin);
    if (accountId === undefined) {
      // No such account: nothing is by it, and everything is by someone else.
      if (!from.isNegated) conditions.push(() => sql<SqlBool>`0`);
      continue;
    }
    conditions.push(negatable(from.isNegated, (eb) => eb("statuses.account_id", "=", accountId)));
  }
  for (const property of query.properties) conditions.push(negatable(property.isNegated, propertyCondition(property.value)));
  for (const language of query.languages) conditions.push(languageCondition(language));
  for (const bound of query.dates) conditions.push(dateCondition(bound));
  const scope = scopeCondition(query.scope, viewerId);
  if (scope) conditions.push(scope);
  return conditions;
}
