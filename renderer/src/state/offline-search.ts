import type { Status } from "../api/entities.ts";
import { compareIdsDescending } from "./timeline-state.ts";

/**
 * Search without the server: over the statuses the offline cache kept (timelines, threads, notifications),
 * a case-insensitive substring of their text or content warning, newest first. Far less than the server's
 * search (no operators, no ranking, only what was read on this device), and said so where it is shown.
 */

function looksLikeStatus(value: object): value is Status {
  const candidate = value as Partial<Status>;
  return typeof candidate.id === "string" && typeof candidate.content === "string" && typeof candidate.created_at === "string" && typeof candidate.account === "object";
}

/**
 * Every status in the cached values, whatever shape each entry has (a feed's list, a thread's status and
 * context, notifications that carry one), once each. A boost stands for the status it boosts, as the
 * server's search leaves boosts out.
 */
export function statusesIn(values: readonly unknown[]): Status[] {
  const found = new Map<string, Status>();
  const visit = (value: unknown, depth: number): void => {
    if (value === null || typeof value !== "object" || depth > 6) return;
    if (Array.isArray(value)) {
      for (const item of value) visit(item, depth + 1);
      return;
    }
    if (looksLikeStatus(value)) {
      const original = value.reblog ?? value;
      if (!found.has(original.id)) found.set(original.id, original);
      if (original.quote) visit(original.quote, depth + 1);
      return;
    }
    for (const child of Object.values(value)) visit(child, depth + 1);
  };
  for (const value of values) visit(value, 0);
  return [...found.values()];
}

/** The statuses whose text (HTML made plain by `toText`) or content warning contains the query, newest first. */
export function searchStatusesLocally(statuses: readonly Status[], query: string, toText: (html: string) => string): Status[] {
  const needle = query.trim().toLocaleLowerCase();
  if (needle === "") return [];
  return statuses
    .filter((status) => status.spoiler_text.toLocaleLowerCase().includes(needle) || toText(status.content).toLocaleLowerCase().includes(needle))
    .sort((a, b) => b.created_at.localeCompare(a.created_at) || compareIdsDescending(a.id, b.id));
}
