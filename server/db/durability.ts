import { AsyncLocalStorage } from "node:async_hooks";

/**
 * Work whose commits may skip their fsync (SQLite's synchronous = NORMAL instead of FULL).
 *
 * An inbox activity is stored durably before Hearth answers 202: its queue message commits with FULL. The
 * transaction that handles it later needs no fsync of its own. WAL frames survive a power cut only as a
 * prefix of the commit order, so if the handling is lost, so is the deletion of the queue message that
 * follows it, and the activity is handled again at the next start. Anything that commits with FULL
 * afterwards (a local post, an enqueued delivery) makes the relaxed commits before it durable too.
 */
const relaxed = new AsyncLocalStorage<true>();

export function withRelaxedDurability<T>(work: () => Promise<T>): Promise<T> {
  return relaxed.run(true, work);
}

export function isDurabilityRelaxed(): boolean {
  return relaxed.getStore() === true;
}
