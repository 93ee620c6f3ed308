import { useMemo, useState, type MouseEvent } from "react";
import type { Status } from "../api/entities.ts";
import { navigate } from "../router.ts";
import { sanitizePostHtml } from "../text/sanitize-html.ts";
import { EmojiText } from "./emoji-text.tsx";

/**
 * A post's words: behind its content warning until the reader opens it; mentions and hashtags open inside
 * the app, other links in a new tab.
 */
export function StatusContent({ status, isExpanded, onToggle }: { status: Status; isExpanded: boolean; onToggle(): void }) {
  const html = useMemo(() => sanitizePostHtml(status.content, status.emojis), [status.content, status.emojis]);
  const hasWarning = status.spoiler_text.trim() !== "";
  const contentId = `content-${status.id}`;

  const followLink = (event: MouseEvent<HTMLDivElement>) => {
    const link = (event.target as HTMLElement).closest("a");
    if (!link || event.button !== 0 || event.metaKey || event.ctrlKey) return;
    const href = link.getAttribute("href") ?? "";
    // Before mentions: Mastodon (and Hearth) mark a hashtag's link "mention hashtag".
    if (link.classList.contains("hashtag")) {
      const tag = link.textContent?.replace(/^#/, "") || status.tags.find((item) => item.url === href)?.name;
      if (tag) {
        event.preventDefault();
        navigate({ name: "tag", tag });
      }
      return;
    }
    const mention = status.mentions.find((item) => item.url === href);
    if (mention || link.classList.contains("mention")) {
      const acct = mention?.acct;
      if (acct) {
        event.preventDefault();
        navigate({ name: "profile", acct });
      }
    }
  };

  return (
    <div className="status-body">
      {hasWarning && (
        <p className="content-warning">
          <span className="cw-text">
            <EmojiText text={status.spoiler_text} emojis={status.emojis} />
          </span>{" "}
          <button type="button" className="cw-toggle" aria-expanded={isExpanded} aria-controls={contentId} onClick={onToggle}>
            {isExpanded ? "Show less" : "Show more"}
          </button>
        </p>
      )}
      <div
        id={contentId}
        className="status-content"
        lang={status.language ?? undefined}
        hidden={hasWarning && !isExpanded}
        onClick={followLink}
        dangerouslySetInnerHTML={{ __html: html }}
      />
    </div>
  );
}

export function useContentWarning(status: Status) {
  const [isExpanded, setExpanded] = useState(false);
  return { isExpanded, onToggle: () => setExpanded(!isExpanded), hasWarning: status.spoiler_text.trim() !== "" };
}
