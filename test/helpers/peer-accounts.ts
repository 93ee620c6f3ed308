import type { CoreContext } from "../../server/core/context.ts";
import { upsertRemoteAccount } from "../../server/core/accounts/remote-accounts.ts";
import type { AccountRow } from "../../server/core/rows.ts";

type RemoteAccountFields = Parameters<typeof upsertRemoteAccount>[1];

/**
 * An account stored as if a fake peer on loopback had sent its actor document: `${origin}/users/${username}`,
 * with its personal inbox there and no shared inbox.
 */
export function storePeerAccount(
  core: CoreContext,
  peer: { origin: string; host: string },
  username: string,
  /** Fields its actor document would also give (an outbox, followers). */
  extra: Partial<RemoteAccountFields> = {},
): Promise<AccountRow> {
  return upsertRemoteAccount(core, {
    uri: `${peer.origin}/users/${username}`,
    username,
    domain: peer.host,
    display_name: username,
    note: "",
    fields_json: "[]",
    is_locked: 0,
    is_bot: 0,
    is_discoverable: 1,
    is_indexable: 1,
    url: null,
    actor_type: "Person",
    inbox_url: `${peer.origin}/users/${username}/inbox`,
    shared_inbox_url: null,
    outbox_url: null,
    followers_url: null,
    following_url: null,
    featured_url: null,
    public_key_id: null,
    avatar_remote_url: null,
    header_remote_url: null,
    moved_to_uri: null,
    also_known_as_json: "[]",
    published_at: null,
    ...extra,
  });
}
