import type { InboxContext } from "@fedify/fedify";
import { Follow, type Accept, type Reject, type Undo } from "@fedify/vocab";
import { findLocalAccountByUsername } from "../../core/accounts/accounts.ts";
import type { CoreContext } from "../../core/context.ts";
import { recordFollowAccepted, recordFollowRejected, recordFollowUndone, recordIncomingFollow } from "../../core/relationships/follows.ts";
import { findAccountByUri } from "../../core/accounts/remote-accounts.ts";
import { accountOfActivityActor } from "../remote-actors.ts";

/** The local account an actor URI names, if it is one of ours. */
async function localAccountFor(ctx: InboxContext<CoreContext>, uri: URL | null) {
  const parsed = ctx.parseUri(uri);
  if (parsed?.type !== "actor") return undefined;
  const account = await findLocalAccountByUsername(ctx.data, parsed.identifier);
  return account?.username === parsed.identifier ? account : undefined;
}

/** Someone asks to follow a local account: accepted at once, or held as a request if the account is locked. */
export async function onFollow(ctx: InboxContext<CoreContext>, follow: Follow): Promise<void> {
  if (follow.id === null) return;
  // Checked before the follower is fetched: a Follow of nobody here stores nothing.
  const target = await localAccountFor(ctx, follow.objectId);
  if (!target) return;
  const follower = await accountOfActivityActor(ctx, follow);
  if (!follower) return;
  await recordIncomingFollow(ctx.data, { followerId: follower.id, targetAccountId: target.id, uri: follow.id.href });
}

/**
 * Which of our follows an Accept or Reject answers. By its id when the peer echoes it (Mastodon, GoToSocial,
 * Hearth); else by the embedded Follow's actor, since some servers send the Follow without our id.
 */
async function answeredFollow(ctx: InboxContext<CoreContext>, answer: Accept | Reject) {
  const sender = answer.actorId ? await findAccountByUri(ctx.data, answer.actorId.href) : undefined;
  if (!sender || sender.domain === null) return undefined;
  let accountId: string | null = null;
  if (!answer.objectId || ctx.parseUri(answer.objectId) === null) {
    // The object names one of our Follows and we only read who sent it, so its origin is not in question.
    const object = await answer.getObject({ documentLoader: ctx.documentLoader, contextLoader: ctx.contextLoader, crossOrigin: "trust", suppressError: true });
    if (object instanceof Follow) accountId = (await localAccountFor(ctx, object.actorId))?.id ?? null;
  }
  return { targetAccountId: sender.id, followUri: answer.objectId?.href ?? null, accountId };
}

export async function onAccept(ctx: InboxContext<CoreContext>, accept: Accept): Promise<void> {
  const answer = await answeredFollow(ctx, accept);
  if (answer) await recordFollowAccepted(ctx.data, answer);
}

/** A Reject ends a pending request, or (as Mastodon sends it) removes us as a follower. */
export async function onReject(ctx: InboxContext<CoreContext>, reject: Reject): Promise<void> {
  const answer = await answeredFollow(ctx, reject);
  if (answer) await recordFollowRejected(ctx.data, answer);
}

/** Undo(Follow): the follower leaves. The Follow is matched by id, or by the local account it names. */
export async function onUndoFollow(ctx: InboxContext<CoreContext>, undo: Undo, follow: Follow | null): Promise<void> {
  const sender = undo.actorId ? await findAccountByUri(ctx.data, undo.actorId.href) : undefined;
  if (!sender || sender.domain === null) return;
  if (follow?.actorId && follow.actorId.href !== sender.uri) return;
  const target = follow ? await localAccountFor(ctx, follow.objectId) : undefined;
  await recordFollowUndone(ctx.data, { followerId: sender.id, followUri: undo.objectId?.href ?? null, targetAccountId: target?.id ?? null });
}
