import type { StatusRow } from "../../core/rows.ts";

/** Mastodon's StatusSource: what the author typed, for the edit form. */
export interface MastodonStatusSource {
  id: string;
  text: string;
  spoiler_text: string;
}

export function toStatusSource(row: StatusRow): MastodonStatusSource {
  return { id: row.id, text: row.text ?? "", spoiler_text: row.spoiler_text };
}
