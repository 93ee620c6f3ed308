import { Emoji, Image } from "@fedify/vocab";
import { mediaFileUrl } from "../../core/media/media.ts";
import { isoToInstant } from "../temporal.ts";
import type { CustomEmojiRow } from "../../core/rows.ts";

/** One of our custom emoji as the Emoji tag peers read: Mastodon's shape, the image where we serve it. */
export function customEmojiToTag(origin: string, emoji: CustomEmojiRow): Emoji {
  return new Emoji({
    id: new URL(emoji.uri ?? `/emojis/${emoji.id}`, origin),
    name: `:${emoji.shortcode}:`,
    icon: new Image({ url: new URL(emoji.file ? mediaFileUrl(origin, emoji.file) : emoji.image_url) }),
    updated: isoToInstant(emoji.updated_at),
  });
}
