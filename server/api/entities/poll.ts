import type { PollTally } from "../../core/statuses/polls.ts";
import { toCustomEmoji, type MastodonCustomEmoji } from "./custom-emoji.ts";
import type { CustomEmojiRow, PollRow } from "../../core/rows.ts";

/** Mastodon's Poll entity; `voted` and `own_votes` only for a signed-in viewer. */
export interface MastodonPoll {
  id: string;
  expires_at: string | null;
  expired: boolean;
  multiple: boolean;
  votes_count: number;
  voters_count: number | null;
  options: Array<{ title: string; votes_count: number | null }>;
  emojis: MastodonCustomEmoji[];
  voted?: boolean;
  own_votes?: number[];
}

export interface PollData {
  row: PollRow;
  options: string[];
  tally: PollTally;
  /** The viewer's choices; null for an anonymous viewer. */
  ownVotes: number[] | null;
}

export interface PollRenderContext {
  emojis: readonly CustomEmojiRow[];
  viewerId: string | null;
  /** The poll's author, who sees the totals even when they are hidden. */
  authorId: string;
  now: string;
  origin: string;
}

export function toPoll(poll: PollData, context: PollRenderContext): MastodonPoll {
  const { row, options, tally } = poll;
  const expired = row.closed_at !== null || (row.expires_at !== null && row.expires_at <= context.now);
  // hide_totals: counts stay hidden until the poll ends, except from its author (as Mastodon shows them).
  const hidden = row.hide_totals === 1 && !expired && context.viewerId !== context.authorId;
  const entity: MastodonPoll = {
    id: row.id,
    expires_at: row.expires_at,
    expired,
    multiple: row.multiple === 1,
    votes_count: tally.votes.reduce((sum, votes) => sum + votes, 0),
    voters_count: tally.votersCount,
    options: options.map((title, index) => ({ title, votes_count: hidden ? null : (tally.votes[index] ?? 0) })),
    emojis: context.emojis.map((emoji) => toCustomEmoji(emoji, context.origin)),
  };
  if (context.viewerId !== null && poll.ownVotes !== null) {
    // Mastodon counts the author as having voted: there is nothing left for them to do.
    entity.voted = poll.ownVotes.length > 0 || context.viewerId === context.authorId;
    entity.own_votes = poll.ownVotes;
  }
  return entity;
}
