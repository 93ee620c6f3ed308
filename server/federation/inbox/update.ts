import type { InboxContext } from "@fedify/fedify";
import { isActor, type Update } from "@fedify/vocab";
import type { CoreContext } from "../../core/context.ts";
import { findAccountByUri } from "../../core/accounts/remote-accounts.ts";
import { findRemoteStatus, recordRemoteEdit } from "../../core/statuses/remote-statuses.ts";
import { isStatusObject } from "../convert/note-to-status-record.ts";
import { rawObjectWithId } from "../convert/raw-json.ts";
import { convertStatusObject } from "../remote-statuses.ts";
import { activityLoaders } from "./loaders.ts";
import { receivedJson } from "./received-json.ts";
import { onUpdateActor } from "./update-person.ts";

/**
 * Update of a status we have (an edit, or a poll's new tallies), or of an actor (update-person.ts). Only
 * the author may update a status, and only one we stored: an Update for anything else changes nothing.
 */
export async function onUpdate(ctx: InboxContext<CoreContext>, update: Update): Promise<void> {
  const raw = await receivedJson(ctx, update);
  const object = await update.getObject(activityLoaders(ctx));
  if (!object?.id || !update.actorId || object.id.origin !== update.actorId.origin) return;
  if (isActor(object)) return onUpdateActor(ctx, update, object);
  if (!isStatusObject(object)) return;
  const author = await findAccountByUri(ctx.data, update.actorId.href);
  if (!author || author.domain === null || !(await findRemoteStatus(ctx.data, author.id, object.id.href))) return;
  const conversion = await convertStatusObject(ctx, object, author, rawObjectWithId(object.id.href, raw) ?? rawObjectWithId(object.id.href, await object.toJsonLd()));
  if (conversion.ok) await recordRemoteEdit(ctx.data, conversion.record);
}
