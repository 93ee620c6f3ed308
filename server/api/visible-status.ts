import type { CoreContext } from "../core/context.ts";
import { NotFound } from "../core/errors.ts";
import { findVisibleStatus } from "../core/statuses/statuses.ts";
import type { StatusRow } from "../core/rows.ts";

/**
 * The status an endpoint reads (its `:id`, a poll's status), if the viewer may see it; otherwise NotFound,
 * which Mastodon answers as it answers a status that never was. Acts leave this to core, which checks again.
 */
export async function visibleStatus(core: CoreContext, id: string, viewerId: string | null): Promise<StatusRow> {
  const status = await findVisibleStatus(core, id, viewerId);
  if (!status) throw new NotFound(`There is no status ${id}.`);
  return status;
}
