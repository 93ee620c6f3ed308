import type { Federation, InboxListener } from "@fedify/fedify";
import { Accept, Announce, Block, Create, Delete, EmojiReact, Flag, Follow, Like, Move, Reject, Undo, Update, type Activity } from "@fedify/vocab";
import { getLogger } from "@logtape/logtape";
import type { CoreContext } from "../../core/context.ts";
import { withSharedCommits } from "../../core/write.ts";
import { withRelaxedDurability } from "../../db/durability.ts";
import { isBlockedHost } from "../remote-statuses.ts";
import { onAnnounce } from "./announce.ts";
import { onBlock } from "./block.ts";
import { onCreate } from "./create.ts";
import { onDelete } from "./delete.ts";
import { onEmojiReact } from "./emoji-react.ts";
import { onFlag } from "./flag.ts";
import type { GoneBeforeArrival } from "./gone-before-arrival.ts";
import { onUnverifiedActivity } from "./gone-actor.ts";
import { onAccept, onFollow, onReject } from "./follow.ts";
import { onLike } from "./like.ts";
import { onMove } from "./move.ts";
import type { RefusedActivityIds } from "./refused-activity-ids.ts";
import { readSenderOnArrival } from "./sender-on-arrival.ts";
import { onUndo } from "./undo.ts";
import { onUpdate } from "./update.ts";

const logger = getLogger(["hearth", "federation", "inbox"]);

/**
 * Nothing from a domain the instance blocks, or from an account its moderators suspended, is stored or acted on: the request was answered 202 (a blocked
 * server learns nothing), and the activity is dropped here, before any listener reads it. Nor is an
 * activity whose id lives on another origin than its actor: Fedify checked only who signed it, and the id
 * becomes a stored row's unique uri (and Fedify's processed mark, refused-activity-ids.ts), so a borrowed
 * id would squat another server's Like, Follow, Flag or Delete.
 */
function unlessBlockedWith(refusedIds: RefusedActivityIds) {
  return <TActivity extends Activity>(listener: InboxListener<CoreContext, TActivity>): InboxListener<CoreContext, TActivity> => async (ctx, activity) => {
    const actorId = activity.actorId;
    if (!actorId) return;
    if (activity.id && activity.id.origin !== actorId.origin) {
      logger.info("Ignored {type} {id} from {actor}: its id is on another origin.", { type: activity.constructor.name, id: activity.id.href, actor: actorId.href });
      refusedIds.refuseToMarkProcessed(ctx.origin, activity.id.href);
      return;
    }
    if (await isBlockedHost(ctx.data, actorId)) {
      logger.info("Ignored {type} from {actor}: its domain is blocked.", { type: activity.constructor.name, actor: actorId.href });
      return;
    }
    if ((await readSenderOnArrival(ctx.data, activity, actorId))?.suspended_at != null) {
      logger.info("Ignored {type} from {actor}: the account is suspended here.", { type: activity.constructor.name, actor: actorId.href });
      return;
    }
    // Fedify answered 202 only once the activity was in the queue (committed with fsync); handling it again
    // after a power cut is safe, so its own commits skip the fsync, and may share their transaction with the
    // other activities handled at the same moment (core/write.ts): the queue deletes its message only after.
    await withRelaxedDurability(async () => withSharedCommits(async () => listener(ctx, activity)));
  };
}

/**
 * What the inbox remembers between activities (in memory, bounded). One per federation, made by
 * createHearthFederation: two instances in one process (as the tests start them) must
 * not refuse or drop each other's activities.
 */
export interface InboxMemory {
  refusedIds: RefusedActivityIds;
  goneBeforeArrival: GoneBeforeArrival;
}

/**
 * Personal inboxes at /users/{username}/inbox and the shared one at /inbox. Fedify verifies signatures
 * (draft-cavage and RFC 9421) and that the signer is the activity's actor before any listener runs; each
 * activity family has its own file. Of what cannot be verified, only a deleted actor's Delete of itself is
 * heard (gone-actor.ts).
 */
export function registerInbox(federation: Federation<CoreContext>, memory: InboxMemory): void {
  const unlessBlocked = unlessBlockedWith(memory.refusedIds);
  const gone = memory.goneBeforeArrival;
  federation
    .setInboxListeners("/users/{identifier}/inbox", "/inbox")
    .on(Follow, unlessBlocked(onFollow))
    .on(Accept, unlessBlocked(onAccept))
    .on(Reject, unlessBlocked(onReject))
    .on(Undo, unlessBlocked((ctx, undo) => onUndo(ctx, undo, gone)))
    .on(Create, unlessBlocked((ctx, create) => onCreate(ctx, create, gone)))
    .on(Update, unlessBlocked(onUpdate))
    .on(Delete, unlessBlocked((ctx, activity) => onDelete(ctx, activity, gone)))
    .on(Announce, unlessBlocked((ctx, announce) => onAnnounce(ctx, announce, gone)))
    .on(Like, unlessBlocked((ctx, like) => onLike(ctx, like, gone)))
    .on(EmojiReact, unlessBlocked((ctx, react) => onEmojiReact(ctx, react, gone)))
    .on(Block, unlessBlocked(onBlock))
    .on(Move, unlessBlocked(onMove))
    .on(Flag, unlessBlocked(onFlag))
    .onUnverifiedActivity(onUnverifiedActivity)
    .onError((_ctx, error) => {
      logger.error("An inbox listener failed: {error}", { error });
    });
}
