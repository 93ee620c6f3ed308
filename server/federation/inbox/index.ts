import type { Federation } from "@fedify/fedify";
import { Accept, Follow, Reject, Undo } from "@fedify/vocab";
import { getLogger } from "@logtape/logtape";
import type { CoreContext } from "../../core/context.ts";
import { onAccept, onFollow, onReject, onUndoFollow } from "./follow.ts";

const logger = getLogger(["hearth", "federation", "inbox"]);

/**
 * Personal inboxes at /users/{username}/inbox and the shared one at /inbox. Fedify verifies signatures
 * (draft-cavage and RFC 9421) and that the signer is the activity's actor before any listener runs; each
 * activity family has its own file.
 */
export function registerInbox(federation: Federation<CoreContext>): void {
  federation
    .setInboxListeners("/users/{identifier}/inbox", "/inbox")
    .on(Follow, onFollow)
    .on(Accept, onAccept)
    .on(Reject, onReject)
    .on(Undo, async (ctx, undo) => {
      // Undo names what it undoes by id; the embedded object (when there is one) says what kind it is.
      const object = await undo.getObject({ documentLoader: ctx.documentLoader, contextLoader: ctx.contextLoader, suppressError: true });
      if (object instanceof Follow || object === null) await onUndoFollow(ctx, undo, object instanceof Follow ? object : null);
    })
    .onError((_ctx, error) => {
      logger.error("An inbox listener failed: {error}", { error });
    });
}
