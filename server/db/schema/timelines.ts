/** What an account reads: the home feed, lists, followed tags, read markers and conversations. */
import type { Defaulted, Flag, Optional, Timestamp } from "./columns.ts";

export interface HomeFeedTable {
  account_id: string;
  status_id: string;
}

export interface TagFollowsTable {
  id: string;
  account_id: string;
  tag_id: string;
  created_at: Timestamp;
}

export interface ListsTable {
  id: string;
  account_id: string;
  title: string;
  replies_policy: Defaulted<"followed" | "list" | "none">;
  exclusive: Flag;
  created_at: Timestamp;
}

export interface ListAccountsTable {
  list_id: string;
  account_id: string;
}

export interface MarkersTable {
  account_id: string;
  timeline: "home" | "notifications";
  last_read_id: string;
  version: Defaulted<number>;
  updated_at: Timestamp;
}

export interface ConversationsTable {
  id: string;
  uri: Optional<string>;
  created_at: Timestamp;
}

export interface AccountConversationsTable {
  id: string;
  account_id: string;
  conversation_id: string;
  last_status_id: Optional<string>;
  participant_account_ids_json: Defaulted<string>;
  unread: Flag;
  updated_at: Timestamp;
}

export interface ConversationMutesTable {
  account_id: string;
  conversation_id: string;
}
