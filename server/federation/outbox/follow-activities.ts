import { Accept, Follow, Reject, Undo, type Activity } from "@fedify/vocab";
import type { FollowSnapshot } from "../../core/ports.ts";
import type { AccountRow } from "../../core/rows.ts";
import { accountUri, type LocalAddresses } from "../convert/status-row-to-note.ts";

/** The Follow itself, as both sides name it (Undo, Accept and Reject carry it as their object). */
function followActivity(addresses: LocalAddresses, follow: FollowSnapshot, follower: AccountRow, target: AccountRow): Follow {
  return new Follow({ id: new URL(follow.uri), actor: accountUri(addresses, follower), object: accountUri(addresses, target) });
}

export type FollowActivityKind = "follow.requested" | "follow.undone" | "follow.accepted" | "follow.rejected";

/**
 * The activity for one step of a follow, with ids that stay the same when it is sent again: the Follow's own
 * id, `#undo` after it, and Mastodon's `${actor}#accepts/follows/${id}` (or #rejects) for the answers.
 */
export function followStepActivity(
  addresses: LocalAddresses,
  kind: FollowActivityKind,
  follow: FollowSnapshot,
  follower: AccountRow,
  target: AccountRow,
): Activity {
  const followed = followActivity(addresses, follow, follower, target);
  switch (kind) {
    case "follow.requested":
      return followed;
    case "follow.undone":
      return new Undo({ id: new URL(`${follow.uri}#undo`), actor: accountUri(addresses, follower), object: followed });
    case "follow.accepted":
    case "follow.rejected": {
      const targetUri = accountUri(addresses, target);
      const answer = kind === "follow.accepted" ? "accepts" : "rejects";
      const values = { id: new URL(`${targetUri.href}#${answer}/follows/${follow.id}`), actor: targetUri, object: followed };
      return kind === "follow.accepted" ? new Accept(values) : new Reject(values);
    }
  }
}
