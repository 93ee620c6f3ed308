import type { CustomEmoji } from "../api/entities.ts";
import { sameServerUrl } from "../media-url.ts";
import { emojiImageUrl, prefersReducedMotion, splitCustomEmoji } from "../text/custom-emoji.ts";

/** Plain text (a display name, a content warning, a poll option) with its custom emoji as pictures. */
export function EmojiText({ text, emojis }: { text: string; emojis: readonly CustomEmoji[] | undefined }) {
  const parts = splitCustomEmoji(text, emojis);
  if (parts.length === 1 && parts[0]!.kind === "text") return <>{text}</>;
  const still = prefersReducedMotion();
  return (
    <>
      {parts.map((part, index) =>
        part.kind === "text" ? (
          part.text
        ) : (
          <img
            key={index}
            className="emoji"
            src={sameServerUrl(emojiImageUrl(part.emoji, still))}
            alt={`:${part.emoji.shortcode}:`}
            title={`:${part.emoji.shortcode}:`}
            width={16}
            height={16}
            loading="lazy"
            decoding="async"
            draggable={false}
          />
        ),
      )}
    </>
  );
}
