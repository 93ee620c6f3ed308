import type { Kysely } from "kysely";
import type { DatabaseSchema } from "../db/schema.ts";
import type { Clock } from "./clock.ts";
import { createCoreEvents, type CoreEvents } from "./events.ts";
import { createIdGenerator, type IdGenerator } from "./ids.ts";
import { offlinePorts, type CorePorts } from "./ports.ts";

/** What every core function receives: the database, the time, the id source, the ports out and the events. */
export interface CoreContext {
  readonly db: Kysely<DatabaseSchema>;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly ports: CorePorts;
  /** Happenings for the streaming API, Web Push and the desktop shell. */
  readonly events: CoreEvents;
}

/** Without ports, the context is for commands that never federate (setup, token). */
export function createCoreContext(
  db: Kysely<DatabaseSchema>,
  clock: Clock,
  ports: CorePorts = offlinePorts,
): CoreContext {
  return { db, clock, ids: createIdGenerator(clock), ports, events: createCoreEvents() };
}
