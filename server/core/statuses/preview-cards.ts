import type { CoreContext } from "../context.ts";
import type { PreviewCardRow, StatusRow } from "../rows.ts";
import { write } from "../write.ts";
import { statusRowById } from "./status-store.ts";

/**
 * Link previews as stored: one preview_cards row per linked URL (the link as it appears in statuses, so a
 * second status linking the same page finds it without a fetch), and at most one card per status. The card's
 * JSON is Hearth's own shape (StoredPreviewCard); api/entities/preview-card.ts turns it into Mastodon's.
 */


export type PreviewCardType = "link" | "photo" | "video";

/** What a page told us about itself, cleaned: plain text, absolute http(s) URLs, numbers. */
export interface StoredPreviewCard {
  /** Where the card leads: the page's canonical address (same host), else where the link ended up. */
  url: string;
  title: string;
  description: string;
  type: PreviewCardType;
  authorName: string;
  authorUrl: string;
  providerName: string;
  providerUrl: string;
  /** An iframe of the page's player (video cards); built here, never taken from the page. */
  html: string;
  width: number;
  height: number;
  /** The picture kept under media/ (a preview-sized copy), or null. */
  imageFile: string | null;
  /** Where the page said its picture is: when it could not be kept, the page is read again sooner. */
  imageRemoteUrl: string | null;
  imageDescription: string;
  embedUrl: string;
  blurhash: string | null;
  publishedAt: string | null;
  language: string | null;
}

/** What deciding a status's card needs: the status, the addresses of whom it mentions, and its card's link. */
export interface PreviewSubject {
  status: StatusRow;
  /** Profile URLs and actor ids of the mentioned accounts: links to them are mentions, not previews. */
  mentionUrls: ReadonlySet<string>;
  /** The link the attached card was made for, if one is attached. */
  attachedUrl: string | undefined;
}

export async function loadPreviewSubject(ctx: CoreContext, statusId: string): Promise<PreviewSubject | undefined> {
  const status = await statusRowById(ctx.db, statusId);
  if (!status) return undefined;
  const [mentioned, attached] = await Promise.all([
    ctx.db
      .selectFrom("mentions")
      .innerJoin("accounts", "accounts.id", "mentions.account_id")
      .select(["accounts.url", "accounts.uri"])
      .where("mentions.status_id", "=", statusId)
      .execute(),
    ctx.db
      .selectFrom("status_preview_cards")
      .innerJoin("preview_cards", "preview_cards.id", "status_preview_cards.preview_card_id")
      .select("preview_cards.url")
      .where("status_preview_cards.status_id", "=", statusId)
      .executeTakeFirst(),
  ]);
  const mentionUrls = new Set(mentioned.flatMap((row) => [row.url, row.uri]).filter((url): url is string => url !== null));
  return { status, mentionUrls, attachedUrl: attached?.url };
}

export async function findPreviewCardByUrl(ctx: CoreContext, url: string): Promise<PreviewCardRow | undefined> {
  return ctx.db.selectFrom("preview_cards").selectAll().where("url", "=", url).executeTakeFirst();
}

/** The stored card of a row; null for JSON that is not one (never written by this code). */
export function parseStoredPreviewCard(json: string): StoredPreviewCard | null {
  try {
    const value: unknown = JSON.parse(json);
    if (value === null || typeof value !== "object") return null;
    const card = value as Partial<StoredPreviewCard>;
    return typeof card.url === "string" && typeof card.title === "string" ? (card as StoredPreviewCard) : null;
  } catch {
    return null;
  }
}

export interface SavedPreviewCard {
  id: string;
  /** The image the card had before this save, if it was another file: the caller removes it. */
  replacedImageFile: string | null;
}

/** Stores the card fetched for a link, replacing an older fetch of the same link in place (same id). */
export async function savePreviewCard(ctx: CoreContext, linkUrl: string, card: StoredPreviewCard): Promise<SavedPreviewCard> {
  const fetchedAt = ctx.clock.now().toISOString();
  return write(ctx, async (trx) => {
    const previous = await trx.selectFrom("preview_cards").select(["id", "card_json"]).where("url", "=", linkUrl).executeTakeFirst();
    const cardJson = JSON.stringify(card);
    if (!previous) {
      const id = ctx.ids.next();
      await trx.insertInto("preview_cards").values({ id, url: linkUrl, card_json: cardJson, fetched_at: fetchedAt }).execute();
      return { id, replacedImageFile: null };
    }
    await trx.updateTable("preview_cards").set({ card_json: cardJson, fetched_at: fetchedAt }).where("id", "=", previous.id).execute();
    const oldImage = parseStoredPreviewCard(previous.card_json)?.imageFile ?? null;
    return { id: previous.id, replacedImageFile: oldImage !== card.imageFile ? oldImage : null };
  });
}

/** Shows the card on the status (replacing any other). False when the status is gone meanwhile. */
export async function attachPreviewCard(ctx: CoreContext, statusId: string, cardId: string): Promise<boolean> {
  return write(ctx, async (trx) => {
    const status = await trx.selectFrom("statuses").select("id").where("id", "=", statusId).executeTakeFirst();
    if (!status) return false;
    await trx
      .insertInto("status_preview_cards")
      .values({ status_id: statusId, preview_card_id: cardId })
      .onConflict((oc) => oc.column("status_id").doUpdateSet({ preview_card_id: cardId }))
      .execute();
    return true;
  });
}

/** The status no longer shows a card (its link was edited away). */
export async function detachPreviewCard(ctx: CoreContext, statusId: string): Promise<void> {
  await write(ctx, (trx) => trx.deleteFrom("status_preview_cards").where("status_id", "=", statusId).execute());
}

/**
 * Removes cards no status shows that were fetched before `fetchedBefore` (a later status linking the page
 * would fetch it again anyway), and returns their image files for the caller to delete.
 */
export async function removeUnusedPreviewCards(ctx: CoreContext, fetchedBefore: string): Promise<string[]> {
  return write(ctx, async (trx) => {
    const unused = await trx
      .selectFrom("preview_cards")
      .select(["id", "card_json"])
      .where("fetched_at", "<", fetchedBefore)
      .where((eb) => eb.not(eb.exists(eb.selectFrom("status_preview_cards").select("status_id").whereRef("status_preview_cards.preview_card_id", "=", "preview_cards.id"))))
      .execute();
    if (unused.length === 0) return [];
    await trx.deleteFrom("preview_cards").where("id", "in", unused.map((row) => row.id)).execute();
    return unused.map((row) => parseStoredPreviewCard(row.card_json)?.imageFile).filter((file): file is string => typeof file === "string");
  });
}
