import type { Context } from "@fedify/fedify";
import type { CoreContext } from "../../core/context.ts";

/**
 * A Delete or Undo can overtake what it takes back (deliveries are retried and run in parallel). As Mastodon's
 * delete_upon_arrival does, one that found nothing is remembered for a while, and the Create, Like,
 * EmojiReact or Announce it named is then dropped on arrival rather than stored for good. Kept in memory and
 * bounded: after a restart the window is simply shorter.
 */

const REMEMBER_MS = 6 * 60 * 60 * 1000;
const MAX_REMEMBERED = 10_000;

// "our origin\nactor\nid" -> when the memory ends. A Map keeps insertion order, so the first key is the oldest.
const gone = new Map<string, number>();

function keyOf(ctx: Context<CoreContext>, actorId: URL, id: string): string {
  return `${ctx.origin}\n${actorId.href}\n${id}`;
}

/** The actor took back `id` (an object or activity) before we had it. */
export function rememberGoneBeforeArrival(ctx: Context<CoreContext>, actorId: URL, id: string): void {
  const key = keyOf(ctx, actorId, id);
  gone.delete(key);
  gone.set(key, ctx.data.clock.now().getTime() + REMEMBER_MS);
  for (const oldest of gone.keys()) {
    if (gone.size <= MAX_REMEMBERED) break;
    gone.delete(oldest);
  }
}

/** Whether the actor already took back `id` (checked as it arrives). */
export function wasGoneBeforeArrival(ctx: Context<CoreContext>, actorId: URL | null, id: URL | null): boolean {
  if (actorId === null || id === null) return false;
  const until = gone.get(keyOf(ctx, actorId, id.href));
  return until !== undefined && until > ctx.data.clock.now().getTime();
}
