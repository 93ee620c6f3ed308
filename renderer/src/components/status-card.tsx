import type { KeyboardEvent, MouseEvent } from "react";
import type { Status, Visibility } from "../api/entities.ts";
import { useApp } from "../app-context.ts";
import { emitStatusEvent } from "../state/local-events.ts";
import { navigate } from "../router.ts";
import { Avatar, DisplayName } from "./avatar.tsx";
import { Icon } from "./icons.tsx";
import { Link } from "./link.tsx";
import { MediaGallery } from "./media-gallery.tsx";
import { EmojiText } from "./emoji-text.tsx";
import { PollView } from "./poll-view.tsx";
import { PreviewCardView } from "./preview-card.tsx";
import { StatusActions } from "./status-actions.tsx";
import { StatusContent, useContentWarning } from "./status-content.tsx";
import { htmlToText } from "../text/sanitize-html.ts";
import { TimeAgo } from "./time-ago.tsx";

export const VISIBILITY_WORDS: Record<Visibility, string> = {
  public: "Public",
  unlisted: "Quiet public",
  private: "Followers only",
  direct: "Private mention",
};

function VisibilityMark({ visibility }: { visibility: Visibility }) {
  if (visibility === "public") return null;
  return (
    <span className="visibility muted" title={VISIBILITY_WORDS[visibility]}>
      <Icon name={visibility === "direct" ? "mail" : visibility === "private" ? "lock" : "globe"} size={14} />
      <span className="visually-hidden">{VISIBILITY_WORDS[visibility]}</span>
    </span>
  );
}

/**
 * One post in a list (an ARIA feed article). A boost shows the boosted post under a line naming who boosted
 * it. Enter opens the thread; clicking the card (not a link or button in it) does too.
 */
export function StatusCard({
  status: outer,
  position,
  setSize,
  isFocused = false,
}: {
  status: Status;
  position?: number;
  setSize?: number;
  /** The post a thread is about: shown larger, with its full date. */
  isFocused?: boolean;
}) {
  const { me } = useApp();
  const status = outer.reblog ?? outer;
  const warning = useContentWarning(status);
  const open = () => navigate({ name: "status", acct: status.account.acct, id: status.id });

  // Mastodon's web shortcuts on a focused post: Enter or o opens it, r replies, f likes, b boosts.
  const SHORTCUTS: Record<string, string> = { r: ".reply", f: ".favourite", b: ".boost" };
  const onKeyDown = (event: KeyboardEvent<HTMLElement>) => {
    if (event.target !== event.currentTarget || event.metaKey || event.ctrlKey || event.altKey) return;
    if (event.key === "Enter" || event.key === "o") {
      event.preventDefault();
      open();
      return;
    }
    const selector = SHORTCUTS[event.key];
    if (selector) {
      event.preventDefault();
      event.currentTarget.querySelector<HTMLButtonElement>(`.status-actions ${selector}`)?.click();
    }
  };
  const onClick = (event: MouseEvent<HTMLElement>) => {
    if (isFocused || event.button !== 0) return;
    const target = event.target as HTMLElement;
    if (target.closest("a, button, input, label, video, audio, summary, dialog, .media-gallery") || window.getSelection()?.toString()) return;
    open();
  };

  const name = status.account.display_name || status.account.username;
  return (
    <article
      className={`status ${isFocused ? "focused" : ""}`}
      tabIndex={0}
      aria-posinset={position}
      aria-setsize={setSize}
      aria-labelledby={`status-${outer.id}-label`}
      onKeyDown={onKeyDown}
      onClick={onClick}
      data-status-id={status.id}
    >
      <span id={`status-${outer.id}-label`} className="visually-hidden">
        {outer.reblog ? `${outer.account.display_name || outer.account.username} boosted ${name}` : name}
      </span>
      {outer.reblog && (
        <p className="boosted-by muted small">
          <Icon name="boost" size={14} />{" "}
          <Link to={{ name: "profile", acct: outer.account.acct }}>
            <bdi>{outer.account.display_name ? <EmojiText text={outer.account.display_name} emojis={outer.account.emojis} /> : outer.account.username}</bdi>
          </Link>{" "}
          boosted
        </p>
      )}
      {status.in_reply_to_id && !isFocused && status.in_reply_to_account_id && (
        <p className="replying-to muted small">
          {status.in_reply_to_account_id === status.account.id ? "Continued thread" : `Replying to @${replyTarget(status)}`}
        </p>
      )}
      <header className="status-header">
        <Link to={{ name: "profile", acct: status.account.acct }} className="status-author">
          <Avatar account={status.account} size={isFocused ? 52 : 46} />
          <DisplayName account={status.account} />
        </Link>
        <span className="status-meta">
          <VisibilityMark visibility={status.visibility} />
          <Link to={{ name: "status", acct: status.account.acct, id: status.id }} className="muted timestamp">
            {isFocused ? <time dateTime={status.created_at}>{new Date(status.created_at).toLocaleString()}</time> : <TimeAgo iso={status.created_at} />}
          </Link>
          {status.edited_at && <span className="muted small" title={`Edited ${new Date(status.edited_at).toLocaleString()}`}> · edited</span>}
        </span>
      </header>
      <StatusContent status={status} isExpanded={warning.isExpanded} onToggle={warning.onToggle} />
      {(!warning.hasWarning || warning.isExpanded) && (
        <>
          {status.poll && (
            <PollView poll={status.poll} isOwn={status.account.id === me.id} onChange={(poll) => emitStatusEvent({ type: "updated", status: { ...status, poll } })} />
          )}
          {status.card && status.media_attachments.length === 0 && <PreviewCardView card={status.card} />}
        </>
      )}
      {status.quote && (!warning.hasWarning || warning.isExpanded) && <QuotedStatus quote={status.quote} />}
      <MediaGallery key={status.media_attachments.map((media) => media.id).join()} media={status.media_attachments} isSensitive={status.sensitive || warning.hasWarning} />
      <StatusActions status={status} />
    </article>
  );
}

/** The post a post quotes, small and inside it; or why it cannot be shown. */
function QuotedStatus({ quote }: { quote: NonNullable<Status["quote"]> }) {
  const quoted = quote.quoted_status;
  if (!quoted) {
    return <p className="quote muted small">{quote.state === "deleted" ? "The quoted post was deleted." : "The quoted post is not available."}</p>;
  }
  return (
    <blockquote className="quote">
      <Link to={{ name: "status", acct: quoted.account.acct, id: quoted.id }} className="quote-link" aria-label={`Quoted post by ${quoted.account.display_name || quoted.account.username}`}>
        <span className="quote-author">
          <Avatar account={quoted.account} size={20} />
          <DisplayName account={quoted.account} />
        </span>
        <span className="quote-text">{quoted.spoiler_text || htmlToText(quoted.content)}</span>
      </Link>
    </blockquote>
  );
}

function replyTarget(status: Status): string {
  return status.mentions.find((mention) => mention.id === status.in_reply_to_account_id)?.acct ?? "someone";
}
