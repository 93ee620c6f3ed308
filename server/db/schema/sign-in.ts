/** What signing in leaves behind beside the OAuth tables: the wrong passwords the owner is shown. */
import type { Generated } from "kysely";
import type { Timestamp } from "./columns.ts";

/** A sign-in refused for a wrong username or password (0008); only the newest rows are kept. */
export interface SignInFailuresTable {
  id: Generated<number>;
  created_at: Timestamp;
  /** As typed, cut short; it may name no account. */
  username: string;
  address: string;
  user_agent: string | null;
}
