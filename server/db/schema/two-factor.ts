/** TOTP two-factor sign-in (0018): the secret of each account that set it up, and its recovery codes. */
import type { Generated } from "kysely";
import type { Timestamp } from "./columns.ts";

export interface TwoFactorTable {
  account_id: string;
  /** Base32. */
  secret: string;
  /** Null while set-up waits for the first code. */
  enabled_at: Timestamp | null;
  /** The newest TOTP step a code was accepted for; that step and older ones are refused. */
  last_used_step: number | null;
  created_at: Timestamp;
}

export interface TwoFactorRecoveryCodesTable {
  id: Generated<number>;
  account_id: string;
  /** SHA-256 of the code. */
  code_hash: string;
  used_at: Timestamp | null;
}
