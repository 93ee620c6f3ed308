import type { JsonStruct, JsonPrimitive } from "@streamparser/json/utils/types/jsonTypes.js";
import type { ArchiveZip } from "./archive-zip.ts";
import { CollectionScanner, CollectionShapeError } from "./collection-scanner.ts";
import { UserError } from "../user-error.ts";

export type JsonValue = JsonPrimitive | JsonStruct;

/**
 * The items of an OrderedCollection file in the archive (outbox.json, likes.json, bookmarks.json), one at a
 * time as they are parsed: outbox.json can be hundreds of megabytes, and is never held whole.
 */
export async function* collectionItems(archive: ArchiveZip, file: string, name: string): AsyncGenerator<JsonValue> {
  const entry = archive.entry(name);
  if (!entry) return;
  const wrongShape = (why: string) => new UserError(`${name} in ${file} is not what Mastodon writes (${why}); nothing was imported.`);
  const scanner = new CollectionScanner();
  const ready: JsonValue[] = [];
  scanner.onItem = (value) => ready.push(value);
  const scan = (work: () => void) => {
    try {
      work();
    } catch (error) {
      if (error instanceof CollectionShapeError) throw wrongShape(error.message);
      throw error;
    }
  };
  const stream = await archive.open(entry);
  try {
    for await (const chunk of stream) {
      scan(() => scanner.write(chunk as Buffer));
      if (scanner.type !== undefined && scanner.type !== "OrderedCollection") throw wrongShape(`its type is ${JSON.stringify(scanner.type)}, not OrderedCollection`);
      // Handed out in order, without shifting the array under each (a chunk holds dozens of items).
      for (const value of ready) yield value;
      ready.length = 0;
    }
    scan(() => scanner.end());
  } finally {
    stream.destroy();
  }
  if (scanner.type !== "OrderedCollection") throw wrongShape("it is not an OrderedCollection");
  for (const value of ready) yield value;
}

/** A small whole JSON file (actor.json). */
export async function readJsonEntry(archive: ArchiveZip, file: string, name: string, limitBytes = 16 * 1024 * 1024): Promise<JsonValue | undefined> {
  const entry = archive.entry(name);
  if (!entry) return undefined;
  if (entry.uncompressedSize > limitBytes) throw new UserError(`${name} in ${file} is ${Math.round(entry.uncompressedSize / 1024 ** 2)} MB, far more than Mastodon writes; nothing was imported.`);
  const stream = await archive.open(entry);
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8")) as JsonValue;
  } catch (error) {
    throw new UserError(`${name} in ${file} is not valid JSON (${(error as Error).message}); nothing was imported.`);
  }
}
