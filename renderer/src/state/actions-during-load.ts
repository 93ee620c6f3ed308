import type { TimelineAction } from "./timeline-state.ts";

/**
 * What happened to a timeline while one of its pages was on the way. A page answers for the moment it was
 * asked; a post written, streamed, edited or deleted after that moment is not in it. Replayed onto the page
 * once it lands, those actions keep the reader's view, where a plain replacement would drop them (a post
 * sent from the outbox as the connection came back vanished behind the reload that started with it).
 */
export class ActionsDuringLoad {
  readonly #open = new Set<TimelineAction[]>();

  /** Starts recording for one page; `finish` answers what was recorded meanwhile and stops. */
  begin(): { finish(): TimelineAction[] } {
    const recorded: TimelineAction[] = [];
    this.#open.add(recorded);
    return {
      finish: () => {
        this.#open.delete(recorded);
        return recorded;
      },
    };
  }

  /** Notes an action that changes what is shown; pages loaded after it already know of it. */
  record(action: TimelineAction): void {
    if (action.type === "cached" || action.type === "loaded" || action.type === "loaded-older") return;
    for (const recorded of this.#open) recorded.push(action);
  }
}
