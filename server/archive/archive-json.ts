import JSONParser from "@streamparser/json/jsonparser.js";
import type { JsonStruct, JsonPrimitive } from "@streamparser/json/utils/types/jsonTypes.js";
import type { ArchiveZip } from "./archive-zip.ts";
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
  const parser = new JSONParser({ paths: ["$.type", "$.orderedItems.*"], keepStack: false });
  const ready: JsonValue[] = [];
  let type: JsonValue | undefined;
  let notAList = false;
  parser.onValue = ({ value, key, stack }) => {
    if (value === undefined || stack.length === 0) return;
    if (stack.length === 1 && key === "type") type = value;
    else if (typeof key === "number") ready.push(value);
    else notAList = true;
  };
  const stream = await archive.open(entry);
  try {
    for await (const chunk of stream) {
      try {
        parser.write(chunk as Buffer);
      } catch (error) {
        throw wrongShape(`it is not valid JSON: ${(error as Error).message}`);
      }
      if (notAList) throw wrongShape("orderedItems is not a list");
      if (type !== undefined && type !== "OrderedCollection") throw wrongShape(`its type is ${JSON.stringify(type)}, not OrderedCollection`);
      while (ready.length > 0) yield ready.shift() as JsonValue;
    }
    try {
      // The parser ends itself once the top-level value closes; a file cut short leaves it open.
      if (!parser.isEnded) parser.end();
    } catch (error) {
      throw wrongShape(`it ends early: ${(error as Error).message}`);
    }
  } finally {
    stream.destroy();
  }
  if (type !== "OrderedCollection") throw wrongShape("it is not an OrderedCollection");
  while (ready.length > 0) yield ready.shift() as JsonValue;
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
