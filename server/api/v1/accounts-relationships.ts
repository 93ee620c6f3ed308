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
import { flag, readInput, text, textList, type Field, type Input, type Shape } from "../input.ts";
import { accountParam, viewerOf } from "../request-accounts.ts";
import type { AccountRow } from "../../core/rows.ts";

export interface RelationshipRoutesDependencies {
  core: CoreContext;
  origin(): string;
}

/** follow's options: each left as it is when absent. */
const Follow = { reblogs: flag(), notify: flag(), languages: textList() };

/** A mute's duration in seconds (0 or absent for no end), and whether notifications are muted too. */
function duration(): Field<number> {
  const read = text();
  return (params, name) => {
    const value = read(params, name);
    const seconds = value === undefined ? 0 : Number(value);
    if (!Number.isInteger(seconds) || seconds < 0) throw new Invalid("duration must be a whole number of seconds (0 for no end).");
    return seconds;
  };
}
const Mute = { duration: duration(), notifications: flag(true) };

const Note = { comment: text() };

/**
 * The acts of a signed-in account on another: follow, unfollow, block, mute, remove a follower, keep a
 * private note, feature on the profile. Each answers the Relationship as it now stands.
 */
export function accountRelationshipRoutes({ core, origin }: RelationshipRoutesDependencies): Hono<HonoApiEnv> {
  const routes = new Hono<HonoApiEnv>();

  /** An act's chain: the account `:id` names, the act's input, the act, the Relationship as it now stands. */
  function act<S extends Shape>(path: string, scope: [string, ...string[]], shape: S, action: (viewer: AccountRow, target: AccountRow, input: Input<S>) => Promise<unknown>) {
    routes.post(`/:id/${path}`, requireUser(...scope), async (c) => {
      const target = await accountParam(core, c.req.param("id"));
      const viewer = viewerOf(c);
      await action(viewer, target, await readInput(c, shape));
      return c.json(toRelationship(await getRelationship(core, viewer.id, target.id)));
    });
  }

  // followAccount refuses (403) following oneself, and an account blocked either way.
  act("follow", ["write:follows"], Follow, (viewer, target, input) =>
    followAccount(core, viewer.id, target.id, {
      origin: origin(),
      showReblogs: input.reblogs,
      notify: input.notify,
      // An empty list, like none, means every language.
      languages: input.languages === undefined ? undefined : input.languages.length === 0 ? null : input.languages,
    }),
  );
  act("unfollow", ["write:follows"], {}, (viewer, target) => unfollowAccount(core, viewer.id, target.id));
  act("remove_from_followers", ["write:follows"], {}, (viewer, target) => removeFollower(core, viewer.id, target.id));

  act("block", ["write:blocks"], {}, (viewer, target) => blockAccount(core, viewer.id, target.id, { origin: origin() }));
  act("unblock", ["write:blocks"], {}, (viewer, target) => unblockAccount(core, viewer.id, target.id));

  act("mute", ["write:mutes"], Mute, (viewer, target, input) =>
    muteAccount(core, viewer.id, target.id, { notifications: input.notifications, durationSeconds: input.duration }),
  );
  act("unmute", ["write:mutes"], {}, (viewer, target) => unmuteAccount(core, viewer.id, target.id));

  act("note", ["write:accounts"], Note, (viewer, target, input) => setAccountNote(core, viewer.id, target.id, input.comment ?? ""));

  // Mastodon's endorsement endpoints: pin/unpin, and endorse/unendorse since 4.4.
  for (const [on, off] of [["pin", "unpin"], ["endorse", "unendorse"]] as const) {
    act(on, ["write:accounts"], {}, (viewer, target) => endorseAccount(core, viewer.id, target.id));
    act(off, ["write:accounts"], {}, (viewer, target) => unendorseAccount(core, viewer.id, target.id));
  }

  return routes;
}
