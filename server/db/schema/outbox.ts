import type { ColumnType, Generated } from "kysely";
import type { Timestamp } from "./columns.ts";

/** Activities a committed write must federate, waiting for the drain to hand them to Fedify's queue (0007). */
export interface OutboxTable {
  id: Generated<number>;
  /** core/ports.ts's OutboundActivity as JSON. */
  activity_json: string;
  /** When the write recorded it: the activity's ids and dates are made from it, so a re-send is the same activity. */
  recorded_at: Timestamp;
  attempts: ColumnType<number, number | undefined, number>;
  /** Null until a try fails; then when the next one is due. */
  next_attempt_at: Timestamp | null;
  last_error: string | null;
}
