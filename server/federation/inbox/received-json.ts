import type { InboxContext } from "@fedify/fedify";
import type { Activity } from "@fedify/vocab";
import { isRecord } from "../convert/raw-json.ts";

/**
 * The activity as its sender wrote it. Fedify gives back the JSON an activity was parsed from only when it
 * parsed all of it: a tag whose type the @context leaves undefined (snac2 declares only ActivityStreams', so
 * its Hashtag and Emoji tags are such) makes toJsonLd() write the activity anew, without those tags. The
 * inbox context keeps the payload as received (the one forwardActivity sends on); it is used when it is this
 * activity, else toJsonLd().
 */
export async function receivedJson<TContextData>(ctx: InboxContext<TContextData>, activity: Activity): Promise<unknown> {
  // InboxContextImpl.activity in Fedify 2.3: not in the public type, so checked before it is believed.
  const received: unknown = (ctx as unknown as { activity?: unknown }).activity;
  if (isRecord(received) && activity.id !== null && received.id === activity.id.href) return received;
  return activity.toJsonLd();
}
