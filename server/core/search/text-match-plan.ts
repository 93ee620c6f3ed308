import { sql, type Kysely } from "kysely";
import type { DatabaseSchema } from "../../db/schema.ts";
import type { SearchText } from "./search-query.ts";

/**
 * Which index finds each word or phrase of a search. Two FTS5 indexes hold the same text (kept together by
 * core/statuses/status-store.ts): status_search by words (unicode61, diacritics folded) and
 * status_search_trigram by every three characters. The rule:
 *
 * - Text with Chinese, Japanese or Korean characters goes to the trigram index: those languages put no
 *   spaces between words, so the word index holds a whole sentence as one "word" and finds none of its
 *   parts. Such text shorter than three characters (東京, 서울) is below what trigrams can match, and is
 *   found by a scan of the stored text instead: slower, but a two-character word is a common search there.
 * - Other text goes to the word index, which ranks best and is smallest. When the word index has no status
 *   at all with that text and it is three characters or more, it is taken as part of a word (`fedi` in
 *   `fediverse`, `tter` in `Mastodon-twitter`) and goes to the trigram index. An exclusion never does:
 *   -fedi leaves out statuses with the word fedi, not every one that says fediverse.
 */

export type TextIndex = "words" | "trigrams" | "scan";

export interface PlannedText extends SearchText {
  index: TextIndex;
}

const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;
const TRIGRAM = 3;

/** The text as one FTS5 string, taken literally: quotes doubled, so FTS5's syntax is never the user's to write. */
export function ftsString(text: string): string {
  return `"${text.replace(/"/g, '""')}"`;
}

/** A LIKE pattern for the text anywhere, with LIKE's own characters escaped by a backslash. */
export function likeAnywhere(text: string): string {
  return `%${text.replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
}

async function hasWordMatch(db: Kysely<DatabaseSchema>, text: string): Promise<boolean> {
  const row = await sql<{ found: number }>`SELECT 1 AS found FROM status_search WHERE status_search MATCH ${ftsString(text)} LIMIT 1`.execute(db);
  return row.rows.length > 0;
}

export async function planText(db: Kysely<DatabaseSchema>, text: SearchText, options: { isExclusion?: boolean } = {}): Promise<PlannedText> {
  const length = [...text.text].length;
  if (CJK.test(text.text)) return { ...text, index: length >= TRIGRAM ? "trigrams" : "scan" };
  if (!options.isExclusion && length >= TRIGRAM && !(await hasWordMatch(db, text.text))) return { ...text, index: "trigrams" };
  return { ...text, index: "words" };
}
