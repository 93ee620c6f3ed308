/** Mastodon's Tag entity (history is not kept here: an empty list, which clients accept). */
export interface MastodonTag {
  id: string;
  name: string;
  url: string;
  history: Array<{ day: string; uses: string; accounts: string }>;
  following?: boolean;
  featuring?: boolean;
}

export function toTag(tag: { id: string; name: string; display_name: string }, origin: string, viewer?: { following: boolean; featuring: boolean }): MastodonTag {
  const entity: MastodonTag = { id: tag.id, name: tag.display_name, url: `${origin}/tags/${encodeURIComponent(tag.name)}`, history: [] };
  if (viewer) {
    entity.following = viewer.following;
    entity.featuring = viewer.featuring;
  }
  return entity;
}
