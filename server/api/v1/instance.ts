import { Hono } from "hono";
import { findOwnerAccount } from "../../core/accounts/accounts.ts";
import type { CoreContext } from "../../core/context.ts";
import { listKnownDomains, getInstance } from "../../core/instance/instance.ts";
import { getInstanceUsage } from "../../core/instance/instance-usage.ts";
import { hasUsableInvite } from "../../core/invites/invites.ts";
import { getVapidKeys } from "../../core/notifications/vapid-keys.ts";
import { listUserFacingDomainBlocks } from "../../core/moderation/instance-domain-blocks.ts";
import type { HonoApiEnv } from "../hono-env.ts";
import { mastodonError } from "../mastodon-error.ts";
import { toDomainBlock } from "../entities/domain-block.ts";
import { renderAccount } from "../entities/account-list.ts";
import { toInstanceV1, toInstanceV2, type InstanceFacts } from "../entities/instance.ts";
import { postingLanguages } from "../entities/languages.ts";

export interface InstanceRoutesDependencies {
  core: CoreContext;
  origin(): string;
}

async function gatherFacts(core: CoreContext, origin: string): Promise<InstanceFacts> {
  const [instance, ownerRow, usage, domains, vapidKeys, invitesEnabled] = await Promise.all([
    getInstance(core),
    findOwnerAccount(core),
    getInstanceUsage(core),
    listKnownDomains(core),
    getVapidKeys(core),
    hasUsableInvite(core),
  ]);
  const owner = ownerRow ? await renderAccount(core, ownerRow, origin) : null;
  return { instance, origin, owner, usage, domainCount: domains.length, thumbnailUrl: owner?.avatar ?? `${origin}/avatars/original/missing.png`, vapidPublicKey: vapidKeys.publicKey, invitesEnabled };
}

/**
 * What Mastodon's default privacy policy says, told as it is for Hearth: no operator but the owner, no
 * analytics, and the limits of what federation lets anyone take back.
 */
const PRIVACY_POLICY = [
  "<p>This server runs on the computer of the person who owns it. What you post, whom you follow and what is delivered to you are kept in a database and a media folder on that computer, and nowhere else this server controls.</p>",
  "<p>Your public posts, your profile and your follows are sent to the servers of the people who follow you or whom you address, as on any server of the fediverse; what those servers keep is up to them. Direct and followers-only posts go only to the servers of the people who may read them.</p>",
  "<p>Your password is kept only as a hash. This server keeps no analytics and shows no advertising. The addresses of visitors are held in memory to limit how often each may call it; its log, of which it keeps the last 25 MB, names them only while its owner has turned on debug logging.</p>",
  "<p>Deleting a post here asks every server that received it to delete it too. For any other question, write to the owner of this server.</p>",
].join("");

/** Public: apps read these before anyone signs in. Peers and apps poll them, so the edge may cache briefly. */
export function instanceV1Routes({ core, origin }: InstanceRoutesDependencies): Hono<HonoApiEnv> {
  const v1 = new Hono<HonoApiEnv>();
  v1.get("/", async (c) => {
    c.header("Cache-Control", "public, max-age=60");
    return c.json(toInstanceV1(await gatherFacts(core, origin())));
  });
  v1.get("/rules", (c) => c.json([]));
  v1.get("/peers", async (c) => c.json(await listKnownDomains(core)));
  // Mastodon's default (show_domain_blocks and its rationale "users"): signed-in accounts see the list with
  // public comments; anyone else is answered 404, as if the list were not published.
  v1.get("/domain_blocks", async (c) => {
    if (!c.get("auth")?.account) return mastodonError(c, 404, "Record not found");
    c.header("Cache-Control", "private, max-age=180");
    return c.json((await listUserFacingDomainBlocks(core)).map((row) => toDomainBlock(row, true)));
  });
  v1.get("/extended_description", async (c) => {
    const instance = await getInstance(core);
    return c.json({ updated_at: instance?.created_at ?? new Date(0).toISOString(), content: instance?.description ?? "" });
  });
  v1.get("/privacy_policy", async (c) => {
    const instance = await getInstance(core);
    return c.json({ updated_at: instance?.created_at ?? new Date(0).toISOString(), content: PRIVACY_POLICY });
  });
  // Made at the first request, not with the routes: Intl.DisplayNames loads ICU's locale data, which cost a start
  // tens of milliseconds (issue #19) that nothing before this request needs.
  let languages: ReturnType<typeof postingLanguages> | undefined;
  v1.get("/languages", (c) => c.json((languages ??= postingLanguages())));
  // Hearth translates nothing (configuration.translation.enabled is false): no pair of languages to offer.
  v1.get("/translation_languages", (c) => c.json({}));
  return v1;
}

/** GET /api/v2/instance: the same facts in Mastodon 4's shape. */
export function instanceV2Routes({ core, origin }: InstanceRoutesDependencies): Hono<HonoApiEnv> {
  const v2 = new Hono<HonoApiEnv>();
  v2.get("/", async (c) => {
    c.header("Cache-Control", "public, max-age=60");
    return c.json(toInstanceV2(await gatherFacts(core, origin())));
  });
  return v2;
}
