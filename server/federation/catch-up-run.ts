import type { Context } from "@fedify/fedify";
import { Activity, Collection, CollectionPage, type DocumentLoader, type Link, type Object as ApObject } from "@fedify/vocab";
import {
  listFollowedRemoteAccounts,
  listKnownRemoteRepliesToLocalStatuses,
  type FollowedRemoteAccount,
  type KnownRemoteReply,
} from "../core/peers/catch-up-state.ts";
import type { CoreContext } from "../core/context.ts";
import { findStatusByUri } from "../core/statuses/status-store.ts";
import { storeFoundReply, storeOutboxItem, type CatchUpOutcome, type FetchScope } from "./catch-up-store.ts";
import { inPool } from "../concurrency/in-pool.ts";
import { createHostPoliteness } from "./host-politeness.ts";
import { keepRawDocuments } from "./raw-documents.ts";
import { isBlockedHost } from "./remote-statuses.ts";

/** How far and how fast one catch-up reads. */
export interface CatchUpBounds {
  /** Posts published this long before we went away are read too: deliveries may have been in flight then. */
  marginMs: number;
  /** Never further back than this, however long we were away. */
  maxAgeMs: number;
  /** Items read from one outbox at most. */
  maxItemsPerAccount: number;
  /** Pages read from one outbox at most; unset, as many as maxItemsPerAccount needs. */
  maxPagesPerAccount?: number;
  /** Local statuses this recent have the replies collections of their known remote replies read. */
  repliesWindowMs: number;
  maxReplyRoots: number;
  maxRepliesPerRoot: number;
  /** Items read from one replies collection at most. */
  maxItemsPerRepliesCollection: number;
  /** Outboxes (or replies collections) read at once. */
  concurrency: number;
  /** Least time between the end of one request to a host and the start of the next. */
  perHostIntervalMs: number;
}

export interface CatchUpSummary {
  reason: string;
  /** When we were last reachable: what was published since (less the margin) was read. */
  since: string;
  /** Outbox pages read per followed account at most: 1 after a short absence. */
  pagesPerAccount: number;
  accounts: number;
  itemsRead: number;
  postsStored: number;
  postsKnown: number;
  repliesStored: number;
  /** Outboxes and collections that could not be read (a peer down, refusing, or answering nonsense). */
  failures: number;
  durationMs: number;
}

type Tally = Omit<CatchUpSummary, "reason" | "since" | "pagesPerAccount" | "durationMs">;

/**
 * Accounts in turns by server (one from each, then the next from each), so that the workers, which wait
 * their turn at each host, are not all held up behind one big server while the others sit idle.
 */
function interleaveByServer(followed: readonly FollowedRemoteAccount[]): FollowedRemoteAccount[] {
  const byServer = new Map<string, FollowedRemoteAccount[]>();
  for (const entry of followed) {
    const server = entry.account.domain ?? "";
    const queue = byServer.get(server);
    if (queue) queue.push(entry);
    else byServer.set(server, [entry]);
  }
  const queues = [...byServer.values()];
  const interleaved: FollowedRemoteAccount[] = [];
  for (let round = 0; interleaved.length < followed.length; round++) {
    for (const queue of queues) if (round < queue.length) interleaved.push(queue[round] as FollowedRemoteAccount);
  }
  return interleaved;
}

/** A page holds this many items or more on every server we know of (Mastodon's outbox pages hold 20). */
const LEAST_ITEMS_PER_PAGE = 10;

function pagesPerAccount(bounds: CatchUpBounds): number {
  return bounds.maxPagesPerAccount ?? Math.ceil(bounds.maxItemsPerAccount / LEAST_ITEMS_PER_PAGE);
}

interface Loaders {
  documentLoader: DocumentLoader;
  contextLoader: DocumentLoader;
}

/**
 * The pages of a collection (or the collection itself, when it has none), at most `maxPages`, so that a
 * peer's endless chain of empty pages cannot keep us reading.
 */
async function* pagesOf(collection: Collection, loaders: Loaders, maxPages: number): AsyncIterable<Collection> {
  let page: Collection | null = (await collection.getFirst(loaders)) ?? collection;
  for (let read = 1; page; read++) {
    yield page;
    // The next page is not even fetched past the bound.
    if (read >= maxPages || !(page instanceof CollectionPage)) return;
    page = await page.getNext(loaders);
  }
}

function publishedMs(item: ApObject | Link): number | null {
  return item instanceof Activity && item.published ? item.published.epochMilliseconds : null;
}

/**
 * An outbox, newest first, page by page, until an item older than `cutoffMs` or the bound; then what was
 * found is stored oldest first, so a thread's parent is stored before its replies.
 */
async function catchUpOutbox(
  scope: FetchScope,
  followed: FollowedRemoteAccount,
  cutoffMs: number,
  bounds: CatchUpBounds,
  signal: AbortSignal,
  tally: Tally,
) {
  const { account } = followed;
  if (account.outbox_url === null || account.uri === null) return;
  // The instance refuses that server (or a parent domain): its activities are ignored, so are its outboxes.
  if (await isBlockedHost(scope.ctx.data, new URL(account.uri))) return;
  // This account's pages as they came, for what Fedify's parse drops (raw-documents.ts); kept for this outbox only.
  const raw = keepRawDocuments(scope.documentLoader);
  scope = { ...scope, documentLoader: raw.loader, rawDocuments: raw.documents };
  const { ctx, documentLoader } = scope;
  const outbox = await ctx.lookupObject(account.outbox_url, { documentLoader, crossOrigin: "ignore" });
  // An outbox is the actor's own: one elsewhere could only list someone else's activities.
  if (!(outbox instanceof Collection) || outbox.id?.origin !== new URL(account.uri).origin) {
    tally.failures++;
    return;
  }
  const loaders = { documentLoader, contextLoader: ctx.contextLoader };
  const maxPages = pagesPerAccount(bounds);
  const found: Array<ApObject | Link> = [];
  reading: for await (const page of pagesOf(outbox, loaders, maxPages)) {
    // Fedify refetches from its own origin any embedded item whose id is on another host than the page.
    for await (const item of page.getItems(loaders)) {
      const published = publishedMs(item);
      if (signal.aborted || found.length >= bounds.maxItemsPerAccount || (published !== null && published < cutoffMs)) break reading;
      found.push(item);
    }
  }
  tally.itemsRead += found.length;
  for (const item of found.reverse()) {
    if (signal.aborted) return;
    count(tally, await storeOutboxItem(scope, item, account).catch(() => "skipped" as const), "post");
  }
}

function count(tally: Tally, outcome: CatchUpOutcome, kind: "post" | "reply"): void {
  if (outcome === "stored") {
    if (kind === "post") tally.postsStored++;
    else tally.repliesStored++;
  } else if (outcome === "known" && kind === "post") {
    tally.postsKnown++;
  }
}

/** Answers to a reply we know, from its replies collection: the ones sent while we were away. */
async function catchUpReplies(scope: FetchScope, reply: KnownRemoteReply, bounds: CatchUpBounds, signal: AbortSignal, tally: Tally) {
  const raw = keepRawDocuments(scope.documentLoader);
  scope = { ...scope, documentLoader: raw.loader, rawDocuments: raw.documents };
  const { ctx, documentLoader } = scope;
  const loaders = { documentLoader, contextLoader: ctx.contextLoader };
  const object = await ctx.lookupObject(reply.uri, { documentLoader, crossOrigin: "ignore" });
  if (!object || object.id?.href !== reply.uri) {
    tally.failures++;
    return;
  }
  const replies = await object.getReplies(loaders);
  if (!replies) return;
  let read = 0;
  const maxPages = Math.ceil(bounds.maxItemsPerRepliesCollection / LEAST_ITEMS_PER_PAGE);
  reading: for await (const page of pagesOf(replies, loaders, maxPages)) {
    // Item ids only: a collection may embed just an id (Hearth's does), and known replies need no fetch.
    for (const id of page.itemIds) {
      if (signal.aborted || read >= bounds.maxItemsPerRepliesCollection) break reading;
      read++;
      if (await findStatusByUri(ctx.data, id.href)) continue;
      const answer = await ctx.lookupObject(id, { documentLoader, crossOrigin: "ignore" }).catch(() => null);
      if (!answer || answer.id?.href !== id.href || answer.replyTargetId?.href !== reply.uri) continue;
      count(tally, await storeFoundReply(scope, answer).catch(() => "skipped" as const), "reply");
    }
  }
  tally.itemsRead += read;
}

/**
 * Reads what was published while we were away: the outboxes of the accounts local ones follow, and the
 * replies collections of the remote replies to our recent statuses. Each fetch is signed as a local
 * account (so a peer that shows followers-only posts to followers shows them), one at a time per host.
 */
export async function runCatchUp(
  ctx: Context<CoreContext>,
  input: { reason: string; since: Date; bounds: CatchUpBounds; signal: AbortSignal },
): Promise<CatchUpSummary> {
  const { bounds, signal } = input;
  const started = performance.now();
  const core = ctx.data;
  const now = core.clock.now().getTime();
  const floor = now - bounds.maxAgeMs;
  const tally: Tally = { accounts: 0, itemsRead: 0, postsStored: 0, postsKnown: 0, repliesStored: 0, failures: 0 };
  const politeness = createHostPoliteness(bounds.perHostIntervalMs);
  const loaders = new Map<string, Promise<DocumentLoader>>();
  const scopeFor = async (username: string): Promise<FetchScope> => {
    let loader = loaders.get(username);
    if (!loader) {
      loader = ctx.getDocumentLoader({ identifier: username }).then((signed) => politeness.wrap(signed));
      loaders.set(username, loader);
    }
    return { ctx, documentLoader: await loader };
  };

  const followed = interleaveByServer(await listFollowedRemoteAccounts(core));
  tally.accounts = followed.length;
  // Not "newer than the newest post we have from them": a post delivered after we came back (a peer's retry)
  // would hide the ones before it that its server gave up on. Everything since we went away is read.
  const cutoff = Math.max(floor, input.since.getTime() - bounds.marginMs);
  await inPool(followed, bounds.concurrency, async (entry) => {
    await catchUpOutbox(await scopeFor(entry.followerUsername), entry, cutoff, bounds, signal, tally).catch(() => {
      tally.failures++;
    });
  }, signal);

  const repliesSince = new Date(now - bounds.repliesWindowMs);
  const known = await listKnownRemoteRepliesToLocalStatuses(core, repliesSince, {
    limitStatuses: bounds.maxReplyRoots,
    limitPerStatus: bounds.maxRepliesPerRoot,
  });
  await inPool(known, bounds.concurrency, async (reply) => {
    await catchUpReplies(await scopeFor(reply.localUsername), reply, bounds, signal, tally).catch(() => {
      tally.failures++;
    });
  }, signal);

  return {
    reason: input.reason,
    since: input.since.toISOString(),
    pagesPerAccount: pagesPerAccount(bounds),
    ...tally,
    durationMs: Math.round(performance.now() - started),
  };
}
