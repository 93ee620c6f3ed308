import { randomBytes } from "node:crypto";
import { createReadStream, createWriteStream, existsSync } from "node:fs";
import { mkdir, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { ZipFile } from "yazl";
import { countOwnStatuses, listMarkedStatusUris, listOwnMediaFiles, listOwnStatusIds } from "../core/archive/export-sources.ts";
import type { CoreContext } from "../core/context.ts";
import type { AccountRow } from "../core/rows.ts";
import type { MediaStorage } from "../media/storage.ts";
import { archivePathOfMedia, createArchiveDocuments, type ArchiveDocuments } from "./archive-documents.ts";

/**
 * An account's archive in Mastodon's format (a zip, as Mastodon has written since 4.x): actor.json,
 * outbox.json, likes.json, bookmarks.json, the avatar and header, and media_attachments/ holding each file
 * at the path its attachment's url names. Streamed: statuses are read in batches while the zip is written,
 * to a temporary name renamed into place once whole, so a half-written archive never looks finished.
 */

const STATUS_BATCH = 200;

export interface ExportProgress {
  /** "statuses" while outbox.json is written, then "media". */
  phase: "statuses" | "media";
  done: number;
  total: number;
}

export interface AccountArchiveInput {
  core: CoreContext;
  account: AccountRow;
  /** The canonical origin the ids are made from. */
  origin: string;
  media: MediaStorage;
  toDir: string;
  onProgress?: (progress: ExportProgress) => void;
  /** Files that could not be read (gone from disk); the archive is written without them. */
  onMissingFile?: (storedPath: string) => void;
}

export interface AccountArchiveResult {
  path: string;
  statuses: number;
  mediaFiles: number;
  likes: number;
  bookmarks: number;
}

function collection(id: string, items: readonly string[]): string {
  return JSON.stringify({ "@context": "https://www.w3.org/ns/activitystreams", id, type: "OrderedCollection", totalItems: items.length, orderedItems: items });
}

function stamp(date: Date): string {
  return date.toISOString().replace(/[-:T]/g, "").slice(0, 14);
}

async function* outboxChunks(input: AccountArchiveInput, documents: ArchiveDocuments, total: number): AsyncGenerator<string> {
  const { core, account } = input;
  const head = JSON.stringify({ "@context": documents.outboxContext, id: "outbox.json", type: "OrderedCollection", totalItems: total });
  yield `${head.slice(0, -1)},"orderedItems":[`;
  let afterId: string | null = null;
  let done = 0;
  let first = true;
  do {
    const batch = await listOwnStatusIds(core, account.id, afterId, STATUS_BATCH);
    for (const id of batch.ids) {
      const item = await documents.item(id);
      done += 1;
      if (!item) continue;
      yield `${first ? "" : ","}${JSON.stringify(item)}`;
      first = false;
    }
    input.onProgress?.({ phase: "statuses", done, total });
    afterId = batch.nextAfterId;
  } while (afterId !== null);
  yield "]}";
}

export async function writeAccountArchive(input: AccountArchiveInput): Promise<AccountArchiveResult> {
  const { core, account, origin, media } = input;
  const documents = await createArchiveDocuments(core, account, origin);
  const [total, likes, bookmarks, mediaFiles, actor] = await Promise.all([
    countOwnStatuses(core, account.id),
    listMarkedStatusUris(core, account.id, "favourites", origin),
    listMarkedStatusUris(core, account.id, "bookmarks", origin),
    listOwnMediaFiles(core, account.id),
    documents.actor(),
  ]);
  const readable = mediaFiles.flatMap((stored) => {
    const path = media.resolve(stored);
    if (path && existsSync(path)) return [{ stored, path }];
    input.onMissingFile?.(stored);
    return [];
  });

  await mkdir(input.toDir, { recursive: true });
  const finalPath = join(input.toDir, `archive-${stamp(core.clock.now())}-${account.username}.zip`);
  const partPath = join(input.toDir, `.${randomBytes(6).toString("hex")}.zip.part`);
  const zip = new ZipFile();
  const written = pipeline(zip.outputStream, createWriteStream(partPath, { flags: "wx" }));
  try {
    const outbox = Readable.from(outboxChunks(input, documents, total));
    // yazl does not pass on its inputs' errors: a failed read ends the archive's stream with that error.
    outbox.on("error", (error) => (zip.outputStream as Readable).destroy(error));
    zip.addReadStream(outbox, "outbox.json");
    zip.addBuffer(Buffer.from(collection("likes.json", likes)), "likes.json");
    zip.addBuffer(Buffer.from(collection("bookmarks.json", bookmarks)), "bookmarks.json");
    zip.addBuffer(Buffer.from(JSON.stringify(actor.json)), "actor.json");
    const images: Array<[string | null, string | null]> = [
      [actor.avatar, account.avatar_file],
      [actor.header, account.header_file],
    ];
    for (const [name, stored] of images) {
      const path = stored ? media.resolve(stored) : undefined;
      if (name && path && existsSync(path)) zip.addReadStreamLazy(name, (callback) => callback(null, createReadStream(path)));
    }
    let mediaDone = 0;
    for (const file of readable) {
      // Lazy: a file is opened only when the zip reaches it, so thousands of media never hold thousands of descriptors.
      zip.addReadStreamLazy(archivePathOfMedia(file.stored), { compress: false }, (callback) => {
        const stream = createReadStream(file.path);
        stream.on("end", () => input.onProgress?.({ phase: "media", done: ++mediaDone, total: readable.length }));
        callback(null, stream);
      });
    }
    zip.end();
    await written;
    await rename(partPath, finalPath);
  } catch (error) {
    await rm(partPath, { force: true });
    throw error;
  }
  return { path: finalPath, statuses: total, mediaFiles: readable.length, likes: likes.length, bookmarks: bookmarks.length };
}
