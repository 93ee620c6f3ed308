import { type Context, Hono } from "hono";
import type { CoreContext } from "../../core/context.ts";
import {
  bookmarkStatus,
  favouriteStatus,
  listStatusActors,
  muteConversation,
  pinStatus,
  reblogStatus,
  unbookmarkStatus,
  unfavouriteStatus,
  unmuteConversation,
  unpinStatus,
  unreblogStatus,
} from "../../core/interactions/interactions.ts";
import { parseVisibility } from "../../core/statuses/status-validation.ts";
import { requireUser, scopeIfToken } from "../auth.ts";
import { clientUrl } from "../client-url.ts";
import { renderAccounts } from "../entities/account-list.ts";
import { toStatus } from "../entities/status.ts";
import type { HonoApiEnv } from "../hono-env.ts";
import { pathId, presentText, readInput } from "../input.ts";
import { paging, setLinkHeader } from "../pagination.ts";
import { optionalViewerOf, viewerOf } from "../request-accounts.ts";
import { visibleStatus } from "../visible-status.ts";
import type { StatusRow } from "../../core/rows.ts";

interface Dependencies {
  core: CoreContext;
  origin(): string;
}

const ACCOUNT_PAGE = { default: 40, max: 80 };

const Reblog = { visibility: presentText() };
const StatusActors = { page: paging(ACCOUNT_PAGE) };

type Act = (core: CoreContext, accountId: string, statusId: string) => Promise<StatusRow>;

/** Boosts, favourites, bookmarks, pins and conversation mutes of a status, and who boosted or favourited it. */
export function statusInteractionRoutes({ core, origin }: Dependencies): Hono<HonoApiEnv> {
  const routes = new Hono<HonoApiEnv>();

  /**
   * The chain every simple act follows: the act runs (core refuses, as not found, a status the viewer may not
   * see), and the status is answered.
   */
  const act = (scope: string, run: Act) => [
    requireUser(scope),
    async (c: Context<HonoApiEnv>) => {
      const viewer = viewerOf(c);
      const acted = await run(core, viewer.id, pathId(c));
      return c.json(await toStatus(core, acted, viewer.id, origin()));
    },
  ] as const;

  routes.post("/:id/reblog", requireUser("write:statuses"), async (c) => {
    const viewer = viewerOf(c);
    const { visibility } = await readInput(c, Reblog);
    const boost = await reblogStatus(core, viewer.id, pathId(c), visibility ? parseVisibility(visibility) : "public");
    return c.json(await toStatus(core, boost, viewer.id, origin()));
  });
  routes.post("/:id/unreblog", requireUser("write:statuses"), async (c) => {
    const viewer = viewerOf(c);
    const { original } = await unreblogStatus(core, viewer.id, pathId(c));
    return c.json(await toStatus(core, original, viewer.id, origin()));
  });
  routes.post("/:id/favourite", ...act("write:favourites", (ctx, accountId, statusId) => favouriteStatus(ctx, accountId, statusId, { origin: origin() })));
  routes.post("/:id/unfavourite", ...act("write:favourites", unfavouriteStatus));
  routes.post("/:id/bookmark", ...act("write:bookmarks", bookmarkStatus));
  routes.post("/:id/unbookmark", ...act("write:bookmarks", unbookmarkStatus));
  routes.post("/:id/pin", ...act("write:accounts", pinStatus));
  routes.post("/:id/unpin", ...act("write:accounts", unpinStatus));
  routes.post("/:id/mute", ...act("write:mutes", muteConversation));
  routes.post("/:id/unmute", ...act("write:mutes", unmuteConversation));

  // Who boosted or favourited a status: public, paged by the boost's or favourite's id, as Mastodon pages them.
  // The documentation names read:statuses, Mastodon's code read:accounts: a token with either may ask.
  for (const [path, kind] of [["reblogged_by", "reblogs"], ["favourited_by", "favourites"]] as const) {
    routes.get(`/:id/${path}`, scopeIfToken("read:statuses", "read:accounts"), async (c) => {
      const viewerId = optionalViewerOf(c)?.id ?? null;
      const status = await visibleStatus(core, pathId(c), viewerId);
      const { page } = await readInput(c, StatusActors);
      const items = await listStatusActors(core, status.id, kind, viewerId, page);
      setLinkHeader(c, items.map((item) => item.pageId), clientUrl(c, origin()), page.limit);
      return c.json(await renderAccounts(core, items.map((item) => item.account), origin()));
    });
  }

  return routes;
}
