import { createWriteStream } from "node:fs";
import { once } from "node:events";
import yazl from "yazl";

/** Mastodon archives made in the test, shaped as BackupService writes them (actor.json, outbox.json, ...). */

export const AS_PUBLIC = "https://www.w3.org/ns/activitystreams#Public";

export interface ArchiveEntry {
  name: string;
  bytes: Uint8Array | string;
  /** Unix mode bits, for a symlink entry (0o120777). */
  mode?: number;
}

export function archiveActor(origin: string, username: string): Record<string, unknown> {
  const id = `${origin}/users/${username}`;
  return {
    "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
    id,
    type: "Person",
    following: `${id}/following`,
    followers: `${id}/followers`,
    inbox: `${id}/inbox`,
    outbox: "outbox.json",
    preferredUsername: username,
    name: username,
    summary: "",
    url: `${origin}/@${username}`,
  };
}

export function orderedCollection(id: string, items: readonly unknown[]): Record<string, unknown> {
  return { "@context": "https://www.w3.org/ns/activitystreams", id, type: "OrderedCollection", totalItems: items.length, orderedItems: items };
}

export interface NoteSpec {
  actor: string;
  id: number;
  published: string;
  content: string;
  to: string[];
  cc: string[];
  inReplyTo?: string | null;
  attachment?: unknown[];
  tag?: unknown[];
  summary?: string | null;
  sensitive?: boolean;
}

export function statusUri(actor: string, id: number): string {
  return `${actor}/statuses/${id}`;
}

/** A Create(Note) item of outbox.json. */
export function createNote(spec: NoteSpec): Record<string, unknown> {
  const uri = statusUri(spec.actor, spec.id);
  return {
    id: `${uri}/activity`,
    type: "Create",
    actor: spec.actor,
    published: spec.published,
    to: spec.to,
    cc: spec.cc,
    object: {
      id: uri,
      type: "Note",
      summary: spec.summary ?? null,
      inReplyTo: spec.inReplyTo ?? null,
      published: spec.published,
      url: uri.replace("/users/", "/@").replace("/statuses/", "/"),
      attributedTo: spec.actor,
      to: spec.to,
      cc: spec.cc,
      sensitive: spec.sensitive ?? false,
      atomUri: uri,
      content: spec.content,
      contentMap: { en: spec.content },
      attachment: spec.attachment ?? [],
      tag: spec.tag ?? [],
      replies: { id: `${uri}/replies`, type: "Collection" },
    },
  };
}

export function announce(actor: string, id: number, object: string, published: string): Record<string, unknown> {
  return { id: `${statusUri(actor, id)}/activity`, type: "Announce", actor, published, to: [AS_PUBLIC], cc: [`${actor}/followers`], object };
}

/** Writes the entries as a zip; `json` entries are serialised. */
export async function writeZip(path: string, entries: readonly ArchiveEntry[], options: { compress?: boolean } = {}): Promise<void> {
  const zip = new yazl.ZipFile();
  const out = createWriteStream(path);
  zip.outputStream.pipe(out);
  for (const entry of entries) {
    const bytes = typeof entry.bytes === "string" ? Buffer.from(entry.bytes) : Buffer.from(entry.bytes);
    zip.addBuffer(bytes, entry.name, { mode: entry.mode, compress: options.compress ?? true });
  }
  zip.end();
  await once(out, "close");
}

export function jsonEntry(name: string, value: unknown): ArchiveEntry {
  return { name, bytes: JSON.stringify(value) };
}
