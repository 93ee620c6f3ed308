/**
 * Counts a post as Mastodon does: every link costs a fixed number of characters whatever its length, a
 * mention of someone on another server counts only its @username part, and a character is what a reader
 * sees as one (a grapheme: an emoji with skin tone is one).
 */

// Close to Mastodon's own patterns (app/javascript/mastodon/features/compose/util/counter.js).
const URL_PATTERN = /(^|[^\p{L}\p{N}@/])(https?:\/\/[^\s<>"]+[^\s<>".,:;!?'")\]}])/giu;
const MENTION_PATTERN = /(^|[^\p{L}\p{N}/_@])@([a-z0-9_]+(?:[a-z0-9_.-]+[a-z0-9_]+)?)@[\p{L}\p{N}.-]+[\p{L}\p{N}]/giu;

const segmenter = typeof Intl !== "undefined" && "Segmenter" in Intl ? new Intl.Segmenter(undefined, { granularity: "grapheme" }) : undefined;

export function graphemeLength(text: string): number {
  if (!segmenter) return [...text].length;
  let count = 0;
  for (const _ of segmenter.segment(text)) count += 1;
  return count;
}

export function countableText(text: string, charactersPerUrl: number): string {
  const urlStandIn = "x".repeat(charactersPerUrl);
  return text.replace(URL_PATTERN, (_, before: string) => `${before}${urlStandIn}`).replace(MENTION_PATTERN, (_, before: string, name: string) => `${before}@${name}`);
}

/** What counts against the limit: the post's text and its content warning together, as Mastodon counts. */
export function countCharacters(text: string, spoilerText: string, charactersPerUrl = 23): number {
  return graphemeLength(countableText(text, charactersPerUrl)) + graphemeLength(spoilerText);
}
