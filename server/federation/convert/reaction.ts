import { EmojiReact, Like, type Activity, type DocumentLoader } from "@fedify/vocab";
import type { RemoteEmoji } from "../../core/statuses/remote-status-record.ts";
import { readObjectTags } from "./note-tags.ts";
import { misskeyReaction } from "./raw-json.ts";

export interface RemoteReaction {
  /** A unicode emoji, or a custom emoji's shortcode without colons. */
  name: string;
  /** The custom emoji's image, when the reaction is one. */
  emoji: RemoteEmoji | null;
}

const CUSTOM = /^:([a-zA-Z0-9_]{2,100})(?:@[^:\s]*)?:$/;
// One emoji (with its modifiers and joiners): never free text, which some servers put in content.
const UNICODE_EMOJI = /^(?:\p{Extended_Pictographic}|\p{Regional_Indicator}|\p{Emoji_Modifier}|\u{FE0F}|\u{200D}|\u{20E3}|[#*0-9]){1,16}$/u;
// Misskey's default reaction is a heart, sent for what its users think of as a like; it is kept as a favourite.
const HEARTS = new Set(["❤", "❤️", "♥", "♥️"]);

/**
 * The emoji reaction an EmojiReact (Pleroma, Akkoma, Misskey) or a Misskey Like with `_misskey_reaction`
 * carries; null when it carries none (a plain Like, a heart, or content that is not an emoji).
 */
export async function reactionOf(activity: Activity, raw: unknown, contextLoader: DocumentLoader | undefined): Promise<RemoteReaction | null> {
  let written: string | null = null;
  if (activity instanceof EmojiReact) written = activity.content === null ? null : String(activity.content).trim();
  else if (activity instanceof Like) written = misskeyReaction(raw);
  if (!written || HEARTS.has(written)) return null;
  const custom = CUSTOM.exec(written)?.[1];
  if (custom) {
    const { emojis } = await readObjectTags(activity, contextLoader);
    const emoji = emojis.find((candidate) => candidate.shortcode === custom);
    return emoji ? { name: custom, emoji } : null;
  }
  return UNICODE_EMOJI.test(written) ? { name: written, emoji: null } : null;
}
