import type { CustomEmojiRow } from "../../core/rows.ts";


/** Mastodon's CustomEmoji entity. */
export interface MastodonCustomEmoji {
  shortcode: string;
  url: string;
  static_url: string;
  visible_in_picker: boolean;
  category: string | null;
}

/** Our own emoji are served from the media folder; remote ones are linked where they live. */
export function toCustomEmoji(row: CustomEmojiRow, origin: string): MastodonCustomEmoji {
  const url = row.file ? new URL(`/media/${row.file}`, origin).href : row.image_url;
  return { shortcode: row.shortcode, url, static_url: url, visible_in_picker: row.visible_in_picker === 1, category: row.category };
}
