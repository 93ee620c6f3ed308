import { getLogger } from "@logtape/logtape";
import type { CoreContext } from "../../core/context.ts";
import type { CoreEvent } from "../../core/events.ts";
import { isAuthorInList, isHiddenFromPublicStreams } from "../../core/visibility/stream-audience.ts";
import { isPublicStream, mayReadNotifications, type StreamName, type StreamSubscription } from "./streams.ts";
import type { StreamViewer } from "./viewer.ts";
import type { AccountRow } from "../../core/rows.ts";

const logger = getLogger(["hearth", "streaming"]);

/** Mastodon's streaming events that Hearth sends. */
export type StreamEventName = "update" | "delete" | "notification" | "status.update" | "conversation" | "filters_changed";

/** One message: `payload` is the entity as a JSON string (or a bare id for delete), absent for filters_changed. */
export interface StreamMessage {
  stream: readonly string[];
  event: StreamEventName;
  payload?: string;
}

/** A WebSocket or an SSE response, as the hub sees it. */
export interface StreamConnection {
  readonly viewer: StreamViewer;
  readonly subscriptions: ReadonlyMap<string, StreamSubscription>;
  send(message: StreamMessage): void;
}

/** A status as the viewer sees it, with what the hub needs to pick streams. */
export interface RenderedStatus {
  json: string;
  hasMedia: boolean;
  /** Normalised tag names. */
  tags: readonly string[];
}

/** The filter context a status is rendered in: its `filtered` lists the viewer's filters for it. */
export type StreamFilterContext = "home" | "public";

/** Renders entities for one viewer; undefined when the viewer may not see it, or it is gone. */
export interface StreamPayloads {
  status(statusId: string, viewer: AccountRow, context: StreamFilterContext): Promise<RenderedStatus | undefined>;
  notification(notificationId: string, viewer: AccountRow): Promise<string | undefined>;
  conversation(accountConversationId: string, viewer: AccountRow): Promise<string | undefined>;
}

export interface StreamHub {
  add(connection: StreamConnection): void;
  remove(connection: StreamConnection): void;
  /** Stops listening to core and waits for events under way. */
  close(): Promise<void>;
}

type StatusEvent = Extract<CoreEvent, { type: "status.created" | "status.updated" }>;

function publicStreamWants(name: StreamName, isLocal: boolean, hasMedia: boolean): boolean {
  const [, where, media] = name.split(":") as [string, string | undefined, string | undefined];
  const place = where === "media" ? undefined : where;
  const onlyMedia = where === "media" || media === "media";
  if (onlyMedia && !hasMedia) return false;
  if (place === "local") return isLocal;
  if (place === "remote") return !isLocal;
  return true;
}

/**
 * Turns core events into stream messages for each connection, as Mastodon's fan-out and streaming server
 * do together. Events are handled one after another, so every connection sees them in the order they happened.
 */
export function createStreamHub(core: CoreContext, payloads: StreamPayloads): StreamHub {
  const connections = new Set<StreamConnection>();
  let queue: Promise<void> = Promise.resolve();

  /** Each payload is rendered once per event and viewer, however many streams carry it. */
  function memoised(): StreamPayloads {
    const cache = new Map<string, Promise<unknown>>();
    const once = <T>(key: string, render: () => Promise<T>): Promise<T> => {
      if (!cache.has(key)) cache.set(key, render());
      return cache.get(key) as Promise<T>;
    };
    return {
      status: (id, viewer, context) => once(`s:${id}:${viewer.id}:${context}`, () => payloads.status(id, viewer, context)),
      notification: (id, viewer) => once(`n:${id}:${viewer.id}`, () => payloads.notification(id, viewer)),
      conversation: (id, viewer) => once(`c:${id}:${viewer.id}`, () => payloads.conversation(id, viewer)),
    };
  }

  async function statusMessages(event: StatusEvent, connection: StreamConnection, render: StreamPayloads): Promise<StreamMessage[]> {
    const { account } = connection.viewer;
    const isCreated = event.type === "status.created";
    const eventName: StreamEventName = isCreated ? "update" : "status.update";
    const isInHome = event.homeAccountIds.includes(account.id);
    const wanted: StreamSubscription[] = [];
    let status: RenderedStatus | undefined;
    let isHidden: boolean | undefined;
    for (const subscription of connection.subscriptions.values()) {
      const { name } = subscription;
      if (name === "user") {
        if (isInHome) wanted.push(subscription);
      } else if (name === "list") {
        const list = subscription.list ?? "";
        if (isCreated ? event.listIds.includes(list) : await isAuthorInList(core, list, event.statusId)) wanted.push(subscription);
      } else if (name.startsWith("public") || name.startsWith("hashtag")) {
        if (!event.public) continue;
        status ??= await render.status(event.statusId, account, "public");
        if (!status) return [];
        isHidden ??= await isHiddenFromPublicStreams(core, account.id, event.statusId);
        if (isHidden) continue;
        if (name.startsWith("public")) {
          if (publicStreamWants(name, event.local, status.hasMedia)) wanted.push(subscription);
        } else {
          const tags = isCreated ? event.tags : status.tags;
          const tagMatches = tags.some((tag) => tag.toLowerCase() === subscription.normalisedTag);
          if (tagMatches && (name === "hashtag" || event.local)) wanted.push(subscription);
        }
      }
    }
    // The home feed and lists were judged at delivery; seeing the status at all is checked again as it is
    // rendered, so no stream ever carries what its viewer could not open.
    const messages: StreamMessage[] = [];
    for (const subscription of wanted) {
      const rendered = await render.status(event.statusId, account, isPublicStream(subscription.name) ? "public" : "home");
      if (!rendered) return [];
      messages.push({ stream: subscription.label, event: eventName, payload: rendered.json });
    }
    return messages;
  }

  async function messagesFor(event: CoreEvent, connection: StreamConnection, render: StreamPayloads): Promise<StreamMessage[]> {
    const { account, scopes } = connection.viewer;
    const subscriptions = [...connection.subscriptions.values()];
    switch (event.type) {
      case "status.created":
      case "status.updated":
        return statusMessages(event, connection, render);
      case "status.deleted": {
        // Only an id: a delete for a status the client never had is ignored by it, and an id tells nothing.
        const isInHome = event.homeAccountIds.includes(account.id);
        return subscriptions
          .filter(({ name }) => {
            if (name === "user" || name === "list") return isInHome;
            if (name.startsWith("public")) return event.public && publicStreamWants(name, event.local, true);
            if (name === "hashtag") return event.public;
            if (name === "hashtag:local") return event.public && event.local;
            return false;
          })
          .map((subscription) => ({ stream: subscription.label, event: "delete" as const, payload: event.statusId }));
      }
      case "notification.created": {
        if (event.accountId !== account.id) return [];
        const streams = subscriptions.filter(({ name }) => name === "user:notification" || (name === "user" && mayReadNotifications(scopes)));
        if (streams.length === 0) return [];
        const payload = await render.notification(event.notificationId, account);
        if (payload === undefined) return [];
        return streams.map((subscription) => ({ stream: subscription.label, event: "notification" as const, payload }));
      }
      case "conversation.updated": {
        if (event.accountId !== account.id) return [];
        const streams = subscriptions.filter(({ name }) => name === "direct");
        if (streams.length === 0) return [];
        const payload = await render.conversation(event.accountConversationId, account);
        if (payload === undefined) return [];
        return streams.map((subscription) => ({ stream: subscription.label, event: "conversation" as const, payload }));
      }
      case "filters.changed":
        if (event.accountId !== account.id) return [];
        return subscriptions.filter(({ name }) => name === "user").map((subscription) => ({ stream: subscription.label, event: "filters_changed" as const }));
    }
  }

  async function handle(event: CoreEvent): Promise<void> {
    const render = memoised();
    for (const connection of connections) {
      try {
        for (const message of await messagesFor(event, connection, render)) {
          // The socket may have closed while the payload was rendered.
          if (connections.has(connection)) connection.send(message);
        }
      } catch (error) {
        logger.error("Could not stream {event} to account {account}: {error}", { event: event.type, account: connection.viewer.account.id, error });
      }
    }
  }

  const unsubscribe = core.events.subscribe((event) => {
    if (connections.size === 0) return;
    queue = queue.then(() => handle(event)).catch((error: unknown) => logger.error("Streaming {event} failed: {error}", { event: event.type, error }));
  });

  return {
    add: (connection) => void connections.add(connection),
    remove: (connection) => void connections.delete(connection),
    async close() {
      unsubscribe();
      connections.clear();
      await queue;
    },
  };
}
