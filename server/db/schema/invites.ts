/** The owner's invite links (0010). */
import type { Defaulted, Flag, Timestamp } from "./columns.ts";

export interface InvitesTable {
  id: string;
  /** What the link carries: /invite/CODE. */
  code: string;
  inviter_account_id: string;
  /** Null: unlimited. */
  max_uses: number | null;
  uses: Defaulted<number>;
  /** Null: never. */
  expires_at: Timestamp | null;
  revoked_at: Timestamp | null;
  /** 1: the new member follows the inviter. */
  autofollow: Flag;
  comment: Defaulted<string>;
  created_at: Timestamp;
}
