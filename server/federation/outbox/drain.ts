import type { Federation } from "@fedify/fedify";
import { getLogger } from "@logtape/logtape";
import type { CoreContext } from "../../core/context.ts";
import { listDueOutbound, postponeOutbound, removeOutbound } from "../../core/peers/outbox.ts";
import type { OutboxPort } from "../../core/ports.ts";
import { createPublisher } from "./publish.ts";

const logger = getLogger(["hearth", "federation", "outbox"]);

/** How many rows one pass reads at a time. */
const BATCH = 50;
/** What a failed row waits before its next try: doubling from 30 s to an hour. */
const FIRST_RETRY_MS = 30_000;
const LAST_RETRY_MS = 60 * 60_000;
/** A row that failed this often is a bug, not a passing fault (a full disk heals in hours): it is dropped, loudly. */
const MAX_ATTEMPTS = 20;
/** The drain also runs on its own: retries come due, and other processes (`hearth import`) leave rows. */
const SWEEP_INTERVAL_MS = 30_000;

export interface OutboxDrainDependencies {
  federation: Federation<CoreContext>;
  core: CoreContext;
  origin(): string;
}

export interface OutboxDrain extends OutboxPort {
  /** Drains now (what a crash or a stop left behind) and then every half minute. */
  start(): void;
  /** No new passes; resolves when the running one has finished. */
  stop(): Promise<void>;
}

/**
 * Moves the outbox into Fedify's delivery queue, oldest first, one pass at a time. A row leaves the outbox
 * only once its activity is queued, so a crash between the two sends it again, with the same activity id:
 * the peer sees one activity. A row the queue refuses (a full disk) is tried again later; the others go on.
 */
export function createOutboxDrain({ federation, core, origin }: OutboxDrainDependencies): OutboxDrain {
  let passes: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  let isStopped = false;

  async function pass(includePostponed: boolean): Promise<void> {
    const publish = createPublisher(federation.createContext(new URL(origin()), core));
    const failed = new Set<number>();
    for (;;) {
      const rows = (await listDueOutbound(core, BATCH + failed.size, { includePostponed })).filter((row) => !failed.has(row.id));
      if (rows.length === 0 || isStopped) return;
      for (const row of rows) {
        try {
          await publish(row.activity, row.recordedAt);
          await removeOutbound(core, row.id);
        } catch (error) {
          failed.add(row.id);
          await giveUpOrPostpone(row.id, row.attempts + 1, row.activity.type, error);
        }
      }
    }
  }

  async function giveUpOrPostpone(id: number, attempts: number, type: string, error: unknown): Promise<void> {
    if (attempts >= MAX_ATTEMPTS) {
      logger.error("Gave up delivering {type} (outbox row {id}) after {attempts} tries: {error}", { type, id, attempts, error });
      await removeOutbound(core, id);
      return;
    }
    const retryInMs = Math.min(FIRST_RETRY_MS * 2 ** (attempts - 1), LAST_RETRY_MS);
    logger.warn("Could not queue {type} (outbox row {id}); trying again in {seconds} s: {error}", { type, id, seconds: retryInMs / 1000, error });
    await postponeOutbound(core, id, retryInMs, error instanceof Error ? error.message : String(error));
  }

  function queuePass(includePostponed: boolean): Promise<void> {
    if (isStopped) return passes;
    // One pass at a time; a caller waits for a pass that began after its commit, so its rows are in it.
    passes = passes.then(() => pass(includePostponed)).catch((error: unknown) => logger.error("The outbox could not be read: {error}", { error }));
    return passes;
  }
  const deliverPending = () => queuePass(false);

  return {
    deliverPending,
    start() {
      // A start is when a full disk was cleared or a bug fixed: what waited for a retry goes now.
      void queuePass(true);
      timer = setInterval(() => void deliverPending(), SWEEP_INTERVAL_MS);
      timer.unref();
    },
    async stop() {
      isStopped = true;
      clearInterval(timer);
      await passes;
    },
  };
}
