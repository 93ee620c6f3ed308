import { Hono } from "hono";
import { setAccountNote } from "../../core/relationships/account-notes.ts";
import { blockAccount, unblockAccount } from "../../core/relationships/blocks.ts";
import type { CoreContext } from "../../core/context.ts";
import { Invalid } from "../../core/errors.ts";
import { endorseAccount, unendorseAccount } from "../../core/accounts/endorsements.ts";
import { followAccount, removeFollower, unfollowAccount } from "../../core/relationships/follows.ts";
import { muteAccount, unmuteAccount } from "../../core/relationships/mutes.ts";
import { getRelationship } from "../../core/relationships/relationships.ts";
import { requireUser } from "../auth.ts";
import type { HonoApiEnv } from "../hono-env.ts";
import { toRelationship } from "../entities/relationship.ts";
import { nestedBoolean, nestedText, nestedTextList, readNestedParams, type NestedParams } from "../nested-params.ts";
import { accountParam, viewerOf } from "../request-accounts.ts";
import type { AccountRow } from "../../core/rows.ts";

export interface RelationshipRoutesDependencies {
  core: CoreContext;
  origin(): string;
}

/** What an action on an account does, given the viewer, the account and the request's parameters. */
type AccountAction = (viewer: AccountRow, target: AccountRow, params: NestedParams) => Promise<void>;

/**
 * The acts of a signed-in account on another: follow, unfollow, block, mute, remove a follower, keep a
 * private note, feature on the profile. Each answers the Relationship as it now stands.
 */
export function accountRelationshipRoutes({ core, origin }: RelationshipRoutesDependencies): Hono<HonoApiEnv> {
  const routes = new Hono<HonoApiEnv>();

  function act(path: string, scope: [string, ...string[]], action: AccountAction) {
    routes.post(`/:id/${path}`, requireUser(...scope), async (c) => {
      const target = await accountParam(core, c.req.param("id"));
      const viewer = viewerOf(c);
      await action(viewer, target, await readNestedParams(c));
      return c.json(toRelationship(await getRelationship(core, viewer.id, target.id)));
    });
  }

  // followAccount refuses (403) following oneself, and an account blocked either way.
  act("follow", ["write:follows"], async (viewer, target, params) => {
    const languages = nestedTextList(params, "languages");
    await followAccount(core, viewer.id, target.id, {
      origin: origin(),
      showReblogs: nestedBoolean(params, "reblogs"),
      notify: nestedBoolean(params, "notify"),
      // An empty list, like none, means every language.
      languages: languages === undefined ? undefined : languages.length === 0 ? null : languages,
    });
  });
  act("unfollow", ["write:follows"], async (viewer, target) => {
    await unfollowAccount(core, viewer.id, target.id);
  });
  act("remove_from_followers", ["write:follows"], async (viewer, target) => {
    await removeFollower(core, viewer.id, target.id);
  });

  act("block", ["write:blocks"], async (viewer, target) => {
    await blockAccount(core, viewer.id, target.id, { origin: origin() });
  });
  act("unblock", ["write:blocks"], async (viewer, target) => {
    await unblockAccount(core, viewer.id, target.id);
  });

  act("mute", ["write:mutes"], async (viewer, target, params) => {
    const duration = nestedText(params, "duration");
    const seconds = duration === undefined ? 0 : Number(duration);
    if (!Number.isInteger(seconds) || seconds < 0) throw new Invalid("duration must be a whole number of seconds (0 for no end).");
    await muteAccount(core, viewer.id, target.id, { notifications: nestedBoolean(params, "notifications") ?? true, durationSeconds: seconds });
  });
  act("unmute", ["write:mutes"], async (viewer, target) => {
    await unmuteAccount(core, viewer.id, target.id);
  });

  act("note", ["write:accounts"], async (viewer, target, params) => {
    await setAccountNote(core, viewer.id, target.id, nestedText(params, "comment") ?? "");
  });

  // Mastodon's endorsement endpoints: pin/unpin, and endorse/unendorse since 4.4.
  for (const [on, off] of [["pin", "unpin"], ["endorse", "unendorse"]] as const) {
    act(on, ["write:accounts"], async (viewer, target) => {
      await endorseAccount(core, viewer.id, target.id);
    });
    act(off, ["write:accounts"], async (viewer, target) => {
      await unendorseAccount(core, viewer.id, target.id);
    });
  }

  return routes;
}
