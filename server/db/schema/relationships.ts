/** How accounts stand to each other: follows, blocks, mutes and blocked domains. */
import type { ColumnType } from "kysely";
import type { Flag, Optional, Timestamp } from "./columns.ts";

export type FollowState = "pending" | "accepted";

/** Follows and follow requests both ways: pending until the followed side accepts. */
export interface FollowsTable {
  id: string;
  /** The follower. */
  account_id: string;
  /** The account followed. */
  target_account_id: string;
  state: FollowState;
  /** The Follow activity's id: ours for outgoing follows, the peer's for incoming ones. */
  uri: string;
  show_reblogs: Flag;
  notify: Flag;
  /** JSON array of ISO 639-1 codes the follower wants from this account; null for every language (0006). */
  languages_json: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface BlocksTable {
  id: string;
  account_id: string;
  target_account_id: string;
  uri: Optional<string>;
  created_at: Timestamp;
}

export interface MutesTable {
  id: string;
  account_id: string;
  target_account_id: string;
  hide_notifications: Flag;
  expires_at: Optional<Timestamp>;
  created_at: Timestamp;
}

export interface AccountDomainBlocksTable {
  id: string;
  account_id: string;
  domain: string;
  created_at: Timestamp;
}
