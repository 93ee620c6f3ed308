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
  /** Before 0017 the only note; kept, and copied into private_comment. */
  reason: Optional<string>;
  severity: Defaulted<InstanceDomainBlockSeverity>;
  reject_media: Flag;
  reject_reports: Flag;
  private_comment: Optional<string>;
  public_comment: Optional<string>;
  obfuscate: Flag;
  created_at: Timestamp;
  updated_at: Optional<Timestamp>;
}

/** Mastodon's DomainBlock severities: refuse everything, limit, or only the media/reports flags. */
export type InstanceDomainBlockSeverity = "suspend" | "silence" | "noop";
