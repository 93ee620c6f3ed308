import { mediaFileUrl } from "../../core/media/media.ts";
import { parseStoredPreviewCard, type PreviewCardType, type StoredPreviewCard } from "../../core/statuses/preview-cards.ts";
import type { MastodonAccount } from "./account.ts";

/** Mastodon's PreviewCardAuthor (4.3): who wrote the linked page, and their fediverse account when known. */
export interface MastodonPreviewCardAuthor {
  name: string;
  url: string;
  account: MastodonAccount | null;
}

/** Mastodon's PreviewCard entity (REST::PreviewCardSerializer). */
export interface MastodonPreviewCard {
  url: string;
  title: string;
  description: string;
  language: string | null;
  type: PreviewCardType;
  authors: MastodonPreviewCardAuthor[];
  author_name: string;
  author_url: string;
  provider_name: string;
  provider_url: string;
  html: string;
  width: number;
  height: number;
  image: string | null;
  image_description: string;
  embed_url: string;
  blurhash: string | null;
  published_at: string | null;
}

export function toPreviewCard(card: StoredPreviewCard, origin: string): MastodonPreviewCard {
  return {
    url: card.url,
    title: card.title,
    description: card.description,
    language: card.language,
    type: card.type,
    // Hearth does not yet match authors to fediverse accounts (fediverse:creator), so account is null.
    authors: card.authorName !== "" || card.authorUrl !== "" ? [{ name: card.authorName, url: card.authorUrl, account: null }] : [],
    author_name: card.authorName,
    author_url: card.authorUrl,
    provider_name: card.providerName,
    provider_url: card.providerUrl,
    html: card.html,
    width: card.width,
    height: card.height,
    image: card.imageFile ? mediaFileUrl(origin, card.imageFile) : null,
    image_description: card.imageDescription,
    embed_url: card.embedUrl,
    blurhash: card.blurhash,
    published_at: card.publishedAt,
  };
}

/** The card of a status from its stored JSON (StatusBundle.cards), or null where it has none. */
export function previewCardFromJson(json: string | undefined, origin: string): MastodonPreviewCard | null {
  const card = json === undefined ? null : parseStoredPreviewCard(json);
  return card ? toPreviewCard(card, origin) : null;
}
