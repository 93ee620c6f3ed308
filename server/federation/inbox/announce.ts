import type { InboxContext } from "@fedify/fedify";
import type { Announce } from "@fedify/vocab";
import type { CoreContext } from "../../core/context.ts";
import { findAccountByUri } from "../../core/accounts/remote-accounts.ts";
import { isFollowedLocally } from "../../core/statuses/remote-statuses.ts";
import { recordRemoteAnnounce } from "../../core/interactions/remote-interactions.ts";
import { visibilityFromAudience } from "../convert/audience.ts";
import { instantToIso } from "../convert/embedded.ts";
import { accountOfActivityActor } from "../remote-actors.ts";
import { fetchRemoteStatus, localStatusOf } from "../remote-statuses.ts";
import type { GoneBeforeArrival } from "./gone-before-arrival.ts";

/**
 * Announce (a boost). As Mastodon does, only boosts that concern someone here are taken: of one of our
 * statuses, or by an account one of ours follows. The boosted status is fetched when we lack it.
 */
export async function onAnnounce(ctx: InboxContext<CoreContext>, announce: Announce, gone: GoneBeforeArrival): Promise<void> {
  const objectId = announce.objectId;
  if (!announce.id || !announce.actorId || !objectId || announce.id.origin !== announce.actorId.origin) return;
  if (gone.wasGone(ctx, announce.actorId, announce.id)) return;
  const local = await localStatusOf(ctx, objectId);
  const known = await findAccountByUri(ctx.data, announce.actorId.href);
  if (!local && !(known && (await isFollowedLocally(ctx.data, known.id)))) return;
  const booster = await accountOfActivityActor(ctx, announce);
  if (!booster) return;
  const original = local ?? (await fetchRemoteStatus(ctx, objectId));
  if (!original) return;
  await recordRemoteAnnounce(ctx.data, {
    accountId: booster.id,
    uri: announce.id.href,
    statusId: original.id,
    visibility: visibilityFromAudience(announce.toIds, announce.ccIds, booster.followers_url),
    createdAt: instantToIso(announce.published) ?? ctx.data.clock.now().toISOString(),
  });
}
