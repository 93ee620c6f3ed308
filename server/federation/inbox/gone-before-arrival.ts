import type { Context } from "@fedify/fedify";
import type { CoreContext } from "../../core/context.ts";

/**
 * A Delete or Undo can overtake what it takes back (deliveries are retried and run in parallel). As Mastodon's
 * delete_upon_arrival does, one that found nothing is remembered for a while, and the Create, Like,
 * EmojiReact or Announce it named is then dropped on arrival rather than stored for good. Kept in memory and
 * bounded: after a restart the window is simply shorter. One memory per federation (createHearthFederation),
 * so two instances in one process never share it.
 */

const REMEMBER_MS = 6 * 60 * 60 * 1000;
const MAX_REMEMBERED = 10_000;

export class GoneBeforeArrival {
  // "our origin\nactor\nid" -> when the memory ends. A Map keeps insertion order, so the first key is the oldest.
  readonly #gone = new Map<string, number>();

  /** The actor took back `id` (an object or activity) before we had it. */
  remember(ctx: Context<CoreContext>, actorId: URL, id: string): void {
    const key = keyOf(ctx, actorId, id);
    this.#gone.delete(key);
    this.#gone.set(key, ctx.data.clock.now().getTime() + REMEMBER_MS);
    for (const oldest of this.#gone.keys()) {
      if (this.#gone.size <= MAX_REMEMBERED) break;
      this.#gone.delete(oldest);
    }
  }

  /** Whether the actor already took back `id` (checked as it arrives). */
  wasGone(ctx: Context<CoreContext>, actorId: URL | null, id: URL | null): boolean {
    if (actorId === null || id === null) return false;
    const until = this.#gone.get(keyOf(ctx, actorId, id.href));
    return until !== undefined && until > ctx.data.clock.now().getTime();
  }
}

function keyOf(ctx: Context<CoreContext>, actorId: URL, id: string): string {
  return `${ctx.origin}\n${actorId.href}\n${id}`;
}
