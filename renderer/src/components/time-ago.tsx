import { useSyncExternalStore } from "react";
import { shortAge } from "../text/relative-time.ts";

// One clock for every timestamp on the page, ticking each minute.
let now = Date.now();
const listeners = new Set<() => void>();
let timer: ReturnType<typeof setInterval> | undefined;

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  timer ??= setInterval(() => {
    now = Date.now();
    for (const each of listeners) each();
  }, 60_000);
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && timer !== undefined) {
      clearInterval(timer);
      timer = undefined;
    }
  };
}

export function useNow(): number {
  return useSyncExternalStore(subscribe, () => now);
}

export function TimeAgo({ iso }: { iso: string }) {
  const current = useNow();
  const date = new Date(iso);
  return (
    <time dateTime={iso} title={date.toLocaleString()}>
      {shortAge(iso, new Date(current))}
    </time>
  );
}
