import type { InboxContext } from "@fedify/fedify";
import type { Flag } from "@fedify/vocab";
import type { CoreContext } from "../../core/context.ts";
import { areReportsRejectedFrom } from "../../core/moderation/instance-domain-blocks.ts";
import { recordFlag } from "../../core/relationships/remote-relations.ts";
import { plainText } from "../convert/note-to-status-record.ts";
import { accountOfActivityActor } from "../remote-actors.ts";
import { localAccountOf, localStatusOf } from "../remote-statuses.ts";

// A Flag names an account and some of its statuses; more than this is not a report anyone wrote by hand.
const MAX_FLAG_OBJECTS = 100;
const MAX_COMMENT_LENGTH = 5000;

/**
 * Flag: a peer reports accounts of ours (and their statuses). One report per reported account, with the
 * statuses of that account named in the Flag, as Mastodon files them; the owner is notified.
 */
export async function onFlag(ctx: InboxContext<CoreContext>, flag: Flag): Promise<void> {
  // A domain blocked with reject_reports files none (Mastodon's Flag handler skips them alike).
  if (flag.actorId && (await areReportsRejectedFrom(ctx.data, flag.actorId.host))) return;
  // Reported account id -> the statuses of theirs the Flag names.
  const targets = new Map<string, string[]>();
  for (const id of flag.objectIds.slice(0, MAX_FLAG_OBJECTS)) {
    const account = await localAccountOf(ctx, id);
    if (account) {
      if (!targets.has(account.id)) targets.set(account.id, []);
      continue;
    }
    const status = await localStatusOf(ctx, id);
    if (status) targets.set(status.account_id, [...(targets.get(status.account_id) ?? []), status.id]);
  }
  if (targets.size === 0) return;
  const reporter = await accountOfActivityActor(ctx, flag);
  if (!reporter) return;
  const comment = plainText(flag.content).slice(0, MAX_COMMENT_LENGTH);
  let index = 0;
  for (const [targetAccountId, statusIds] of targets) {
    // Report ids are unique: a Flag naming several of our accounts makes one report each.
    const uri = flag.id ? (index++ === 0 ? flag.id.href : `${flag.id.href}#${index}`) : null;
    await recordFlag(ctx.data, { accountId: reporter.id, targetAccountId, statusIds, comment, uri });
  }
}
