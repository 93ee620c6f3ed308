/**
 * What happened in core that someone in this process may be waiting for: the streaming API, Web Push and
 * the desktop shell's notifications. Emitted after the transaction commits, in-process only; nothing is
 * lost if no one listens, since everything is also in the database.
 */
export type CoreEvent =
  /**
   * A status became visible. homeAccountIds are the local accounts whose home feed it entered; listIds the
   * lists it entered; public/local/tags decide the public, public:local and hashtag streams.
   */
  | {
      type: "status.created";
      statusId: string;
      homeAccountIds: readonly string[];
      listIds: readonly string[];
      public: boolean;
      local: boolean;
      tags: readonly string[];
      /** Local accounts it reached as a direct message (the direct stream). */
      directAccountIds: readonly string[];
    }
  | { type: "status.updated"; statusId: string; homeAccountIds: readonly string[]; public: boolean; local: boolean }
  | { type: "status.deleted"; statusId: string; homeAccountIds: readonly string[]; public: boolean; local: boolean }
  | { type: "notification.created"; notificationId: string; accountId: string }
  | { type: "conversation.updated"; accountConversationId: string; accountId: string }
  /** A local account's filters changed (the filters_changed stream event). */
  | { type: "filters.changed"; accountId: string };

export type CoreEventListener = (event: CoreEvent) => void;

export interface CoreEvents {
  emit(event: CoreEvent): void;
  /** Returns the unsubscribe function. */
  subscribe(listener: CoreEventListener): () => void;
}

export function createCoreEvents(onListenerError: (error: unknown) => void = () => {}): CoreEvents {
  const listeners = new Set<CoreEventListener>();
  return {
    emit(event) {
      for (const listener of listeners) {
        // One failing listener (a closed socket) must not keep the event from the others, nor fail the write.
        try {
          listener(event);
        } catch (error) {
          onListenerError(error);
        }
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
