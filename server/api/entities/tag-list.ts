import type { CoreContext } from "../../core/context.ts";
import { followedTagIds } from "../../core/timelines/tag-follows.ts";
import { tagHistory } from "../../core/search/tag-search.ts";
import { toTag, type MastodonTag } from "./tag.ts";
import type { TagRow } from "../../core/rows.ts";

/**
 * Tag entities with their last week's history and, for a signed-in viewer, whether it follows each (Hearth
 * has no featured tags, so featuring is always false).
 */
export async function renderTags(core: CoreContext, tags: readonly TagRow[], origin: string, viewerId: string | null): Promise<MastodonTag[]> {
  const ids = tags.map((tag) => tag.id);
  const [history, followed] = await Promise.all([tagHistory(core, ids), viewerId ? followedTagIds(core, viewerId, ids) : Promise.resolve(null)]);
  return tags.map((tag) => ({
    ...toTag(tag, origin, followed ? { following: followed.has(tag.id), featuring: false } : undefined),
    history: (history.get(tag.id) ?? []).map((use) => ({ day: String(use.day), uses: String(use.uses), accounts: String(use.accounts) })),
  }));
}
