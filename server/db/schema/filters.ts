/** Filters, with their keywords and the statuses they name. */
import type { Defaulted, Flag, Optional, Timestamp } from "./columns.ts";

export interface FiltersTable {
  id: string;
  account_id: string;
  title: string;
  /** JSON array of home, notifications, public, thread, account. */
  context_json: string;
  action: Defaulted<"warn" | "hide" | "blur">;
  expires_at: Optional<Timestamp>;
  created_at: Timestamp;
}

export interface FilterKeywordsTable {
  id: string;
  filter_id: string;
  keyword: string;
  whole_word: Flag;
}

export interface FilterStatusesTable {
  id: string;
  filter_id: string;
  status_id: string;
}
