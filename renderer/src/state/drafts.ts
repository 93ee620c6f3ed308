import type { Visibility } from "../api/entities.ts";
import { readJson, writeJson, type KeyValueStore } from "./key-value-store.ts";

/** A post being written, kept across reloads and restarts until it is posted or discarded. */
export interface Draft {
  text: string;
  spoilerText: string;
  hasSpoiler: boolean;
  visibility: Visibility;
  language: string;
  sensitive: boolean;
  poll: { options: string[]; expiresIn: number; multiple: boolean } | null;
  media: Array<{ id: string; previewUrl: string | null; description: string; aspect: number | null }>;
  savedAt: string;
}

const PREFIX = "hearth.draft.";

/** Which compose box a draft belongs to: a new post, a reply to one, or an edit of one. */
export function draftKey(accountId: string, context: { replyTo?: string; editing?: string }): string {
  const what = context.editing ? `edit:${context.editing}` : context.replyTo ? `reply:${context.replyTo}` : "new";
  return `${PREFIX}${accountId}.${what}`;
}

export function isBlank(draft: Draft): boolean {
  return draft.text.trim() === "" && draft.spoilerText.trim() === "" && draft.media.length === 0 && draft.poll === null;
}

export function loadDraft(store: KeyValueStore, key: string): Draft | undefined {
  return readJson<Draft>(store, key);
}

export function saveDraft(store: KeyValueStore, key: string, draft: Draft): void {
  if (isBlank(draft)) store.removeItem(key);
  else writeJson(store, key, draft);
}

export function discardDraft(store: KeyValueStore, key: string): void {
  store.removeItem(key);
}
