import type { InboxContext } from "@fedify/fedify";
import { Note, type Create } from "@fedify/vocab";
import type { CoreContext } from "../../core/context.ts";
import { recordRemoteVote } from "../../core/statuses/polls.ts";
import { loadStatusParts } from "../../core/peers/status-parts.ts";
import { canViewStatus } from "../../core/visibility/status-visibility.ts";
import { isStatusObject } from "../convert/note-to-status-record.ts";
import { rawObjectWithId } from "../convert/raw-json.ts";
import { accountOfActivityActor } from "../remote-actors.ts";
import { concernsUs, localStatusOf, storeRemoteStatusObject } from "../remote-statuses.ts";
import type { GoneBeforeArrival } from "./gone-before-arrival.ts";
import { activityLoaders } from "./loaders.ts";
import { receivedJson } from "./received-json.ts";
import { senderOnArrival } from "./sender-on-arrival.ts";

/**
 * A vote on one of our polls arrives as Create(Note) whose name is the option and whose inReplyTo is the
 * Question (Mastodon's and Misskey's shape). Counted once, and only from someone who may see the poll: a
 * voter joins the audience of the poll's Updates, so a stranger's vote on a followers-only or direct poll
 * would have its later edits sent to the stranger.
 */
async function recordVote(ctx: InboxContext<CoreContext>, create: Create, note: Note): Promise<boolean> {
  const name = note.name === null ? "" : String(note.name);
  if (name === "" || !note.id) return false;
  const question = await localStatusOf(ctx, note.replyTargetId);
  const parts = question ? await loadStatusParts(ctx.data, question.id) : undefined;
  if (!parts?.poll) return false;
  const voter = await accountOfActivityActor(ctx, create);
  if (!voter || voter.uri === null || !note.attributionIds.some((id) => id.href === voter.uri)) return true;
  if (!(await canViewStatus(ctx.data.db, parts.status, voter.id))) return true;
  await recordRemoteVote(ctx.data, { accountId: voter.id, pollId: parts.poll.row.id, choice: parts.poll.options.indexOf(name), uri: note.id.href });
  return true;
}

/**
 * Create of a Note, Question, Article or Page. The object must live on its sender's origin: an embedded
 * object claiming another origin is fetched from there instead (Fedify's crossOrigin check), and then
 * refused unless it is the sender's own. It must concern someone here (concernsUs). Only then is the
 * sender stored and the status with it.
 */
export async function onCreate(ctx: InboxContext<CoreContext>, create: Create, gone: GoneBeforeArrival): Promise<void> {
  // The raw JSON first: reading the object can replace it with a fetched copy.
  const raw = await receivedJson(ctx, create);
  const object = await create.getObject(activityLoaders(ctx));
  if (!object?.id || !create.actorId || object.id.origin !== create.actorId.origin) return;
  if (gone.wasGone(ctx, create.actorId, object.id)) return;
  if (object instanceof Note && object.name !== null && (await recordVote(ctx, create, object))) return;
  if (!isStatusObject(object)) return;
  const known = await senderOnArrival(ctx.data, create);
  if (!(await concernsUs(ctx, object, known))) return;
  const author = await accountOfActivityActor(ctx, create, known ?? null);
  if (!author) return;
  // The object as re-serialised by Fedify (a JSON-LD compaction) only when the received JSON lacks it.
  const rawObject = rawObjectWithId(object.id.href, raw) ?? rawObjectWithId(object.id.href, await object.toJsonLd());
  await storeRemoteStatusObject(ctx, object, author, { raw: rawObject });
}
