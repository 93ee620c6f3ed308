import type { ListRow } from "../../core/rows.ts";

/** Mastodon's List entity. */
export interface MastodonList {
  id: string;
  title: string;
  replies_policy: "followed" | "list" | "none";
  exclusive: boolean;
}

export function toList(row: ListRow): MastodonList {
  return { id: row.id, title: row.title, replies_policy: row.replies_policy, exclusive: row.exclusive === 1 };
}
