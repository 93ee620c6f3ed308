import type { Federation, RequestContext } from "@fedify/fedify";
import type { Recipient } from "@fedify/vocab";
import { findLocalAccountByUsername, type AccountRow } from "../core/accounts.ts";
import type { CoreContext } from "../core/context.ts";
import { countFollows, listFollows } from "../core/follows.ts";

// Mastodon's page size for these collections.
const PAGE_SIZE = 40;

async function ownerOf(ctx: RequestContext<CoreContext> | { data: CoreContext }, identifier: string): Promise<AccountRow | undefined> {
  const account = await findLocalAccountByUsername(ctx.data, identifier);
  return account?.username === identifier ? account : undefined;
}

/**
 * Followers and following with counts and pages (cursor: the follow id to continue below; "" is the first
 * page). Outbox, liked and featured are served empty until statuses exist.
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

  // Statuses come later; until then these are real, empty, ordered collections.
  federation
    .setOutboxDispatcher("/users/{identifier}/outbox", async (ctx, identifier) => ((await ownerOf(ctx, identifier)) ? { items: [] } : null))
    .setCounter(async (ctx, identifier) => ((await ownerOf(ctx, identifier)) ? 0 : null));
  federation
    .setLikedDispatcher("/users/{identifier}/liked", async (ctx, identifier) => ((await ownerOf(ctx, identifier)) ? { items: [] } : null))
    .setCounter(async (ctx, identifier) => ((await ownerOf(ctx, identifier)) ? 0 : null));
  federation
    .setFeaturedDispatcher("/users/{identifier}/collections/featured", async (ctx, identifier) =>
      (await ownerOf(ctx, identifier)) ? { items: [] } : null,
    )
    .setCounter(async (ctx, identifier) => ((await ownerOf(ctx, identifier)) ? 0 : null));
}
