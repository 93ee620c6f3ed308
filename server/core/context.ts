import type { Kysely } from "kysely";
import type { DatabaseSchema } from "../db/schema.ts";
import type { Clock } from "./clock.ts";
import { createIdGenerator, type IdGenerator } from "./ids.ts";

/** What every core function receives: the database, the time and the id source. Ports join as they appear. */
export interface CoreContext {
  readonly db: Kysely<DatabaseSchema>;
  readonly clock: Clock;
  readonly ids: IdGenerator;
}

export function createCoreContext(db: Kysely<DatabaseSchema>, clock: Clock): CoreContext {
  return { db, clock, ids: createIdGenerator(clock) };
}
