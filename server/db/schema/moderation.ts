/** Reports and the domains this instance blocks. */
import type { Defaulted, Flag, Optional, Timestamp } from "./columns.ts";

export interface ReportsTable {
  id: string;
  account_id: string;
  target_account_id: string;
  status_ids_json: Defaulted<string>;
  comment: Defaulted<string>;
  category: Defaulted<string>;
  forward: Flag;
  uri: Optional<string>;
  action_taken_at: Optional<Timestamp>;
  created_at: Timestamp;
  // 0016: what Mastodon's Admin::Report shows.
  action_taken_by_account_id: Optional<string>;
  assigned_account_id: Optional<string>;
  updated_at: Optional<Timestamp>;
}

export interface InstanceDomainBlocksTable {
  id: string;
  domain: string;
  reason: Optional<string>;
  created_at: Timestamp;
}
