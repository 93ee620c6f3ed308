import type { Federation, RequestContext } from "@fedify/fedify";
import type { Activity, Recipient } from "@fedify/vocab";
import { findLocalAccountByUsername } from "../core/accounts/accounts.ts";
import type { CoreContext } from "../core/context.ts";
import { countFollows, listFollows } from "../core/relationships/follows.ts";
import { countOutboxStatuses, listOutboxStatusIds, listPinnedStatusIds } from "../core/peers/status-collections.ts";
import { loadStatusParts } from "../core/peers/status-parts.ts";
import { localAddresses } from "./addresses.ts";
import { announceActivity, createActivity, noteOf } from "./status-activities.ts";
import type { AccountRow } from "../core/rows.ts";

// Mastodon's page sizes for these collections.
const PAGE_SIZE = 40;
const OUTBOX_PAGE_SIZE = 20;

async function ownerOf(ctx: RequestContext<CoreContext> | { data: CoreContext }, identifier: string): Promise<AccountRow | undefined> {
  const account = await findLocalAccountByUsername(ctx.data, identifier);
  return account?.username === identifier ? account : undefined;
}

/**
 * Followers, following and the outbox with counts and pages (cursor: the id to continue below; "" is the
 * first page); featured (pinned statuses) whole; liked empty, as Mastodon keeps favourites private.
 */
export function registerCollections(federation: Federation<CoreContext>): void {
  federation
    .setFollowersDispatcher("/users/{identifier}/followers", async (ctx, identifier, cursor) => {
      const owner = await ownerOf(ctx, identifier);
      if (!owner) return null;
      // No cursor means every follower at once: that is how Fedify expands "followers" when delivering.
      const limit = cursor === null ? Number.MAX_SAFE_INTEGER : PAGE_SIZE;
      const page = await listFollows(ctx.data, owner.id, "followers", { maxId: cursor || null, limit });
      const items: Recipient[] = page.items.map(({ account }) =>
        account.domain === null
          ? { id: ctx.getActorUri(account.username), inboxId: ctx.getInboxUri(account.username), endpoints: { sharedInbox: ctx.getInboxUri() } }
          : {
              id: new URL(account.uri ?? ""),
              inboxId: account.inbox_url ? new URL(account.inbox_url) : null,
              endpoints: account.shared_inbox_url ? { sharedInbox: new URL(account.shared_inbox_url) } : null,
            },
      );
      return { items, nextCursor: page.nextMaxId };
    })
    .setCounter(async (ctx, identifier) => {
      const owner = await ownerOf(ctx, identifier);
      return owner ? countFollows(ctx.data, owner.id, "followers") : null;
    })
    .setFirstCursor(() => "");

  federation
    .setFollowingDispatcher("/users/{identifier}/following", async (ctx, identifier, cursor) => {
      const owner = await ownerOf(ctx, identifier);
      if (!owner) return null;
      const limit = cursor === null ? Number.MAX_SAFE_INTEGER : PAGE_SIZE;
      const page = await listFollows(ctx.data, owner.id, "following", { maxId: cursor || null, limit });
      const items = page.items.map(({ account }) => (account.domain === null ? ctx.getActorUri(account.username) : new URL(account.uri ?? "")));
      return { items, nextCursor: page.nextMaxId };
    })
    .setCounter(async (ctx, identifier) => {
      const owner = await ownerOf(ctx, identifier);
      return owner ? countFollows(ctx.data, owner.id, "following") : null;
    })
    .setFirstCursor(() => "");

  // Public and unlisted posts (Create) and boosts (Announce) only, newest first, as Mastodon's outbox.
  federation
    .setOutboxDispatcher("/users/{identifier}/outbox", async (ctx, identifier, cursor) => {
      const owner = await ownerOf(ctx, identifier);
      if (!owner) return null;
      const page = await listOutboxStatusIds(ctx.data, owner.id, { maxId: cursor || null, limit: OUTBOX_PAGE_SIZE });
      const addresses = localAddresses(ctx);
      const items: Activity[] = [];
      for (const id of page.ids) {
        const parts = await loadStatusParts(ctx.data, id);
        const activity = !parts ? null : parts.reblogOf ? announceActivity(addresses, parts) : createActivity(addresses, parts);
        if (activity) items.push(activity);
      }
      return { items, nextCursor: page.nextMaxId };
    })
    .setCounter(async (ctx, identifier) => {
      const owner = await ownerOf(ctx, identifier);
      return owner ? countOutboxStatuses(ctx.data, owner.id) : null;
    })
    .setFirstCursor(() => "");
  federation
    .setLikedDispatcher("/users/{identifier}/liked", async (ctx, identifier) => ((await ownerOf(ctx, identifier)) ? { items: [] } : null))
    .setCounter(async (ctx, identifier) => ((await ownerOf(ctx, identifier)) ? 0 : null));
  // Pinned statuses, embedded whole as Mastodon's featured collection has them.
  federation
    .setFeaturedDispatcher("/users/{identifier}/collections/featured", async (ctx, identifier) => {
      const owner = await ownerOf(ctx, identifier);
      if (!owner) return null;
      const addresses = localAddresses(ctx);
      const notes = [];
      for (const id of await listPinnedStatusIds(ctx.data, owner.id)) {
        const parts = await loadStatusParts(ctx.data, id);
        if (parts && !parts.reblogOf) notes.push(noteOf(addresses, parts));
      }
      return { items: notes };
    })
    .setCounter(async (ctx, identifier) => {
      const owner = await ownerOf(ctx, identifier);
      return owner ? (await listPinnedStatusIds(ctx.data, owner.id)).length : null;
    });
}
