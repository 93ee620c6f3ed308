import type { Status } from "../api/entities.ts";

/**
 * What this tab itself just did to a post, told to every view showing it: the streaming API tells other
 * devices, but the screen that acted should not wait for a round trip (or for a stream that may be down).
 */
export type LocalStatusEvent = { type: "posted"; status: Status } | { type: "updated"; status: Status } | { type: "deleted"; id: string };

const listeners = new Set<(event: LocalStatusEvent) => void>();

export function emitStatusEvent(event: LocalStatusEvent): void {
  for (const listener of listeners) listener(event);
}

export function onStatusEvent(listener: (event: LocalStatusEvent) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
