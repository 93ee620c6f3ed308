import type { JsonValue } from "./archive-json.ts";

/**
 * Finds the items of an OrderedCollection file (outbox.json) in its bytes as they stream in, and hands each to
 * JSON.parse whole. A tokenizer in JavaScript that assembles every value (what @streamparser/json does) cost
 * ~1.9 s a pass over 20k posts, run twice an import (the survey, then the import; issue #17); this only tracks
 * strings and brackets to see where an item begins and ends, and V8's own parser reads the item.
 *
 * Nothing is taken on trust: each item is parsed whole (an item that is not JSON fails there), the list's
 * commas are checked here, and everything outside orderedItems (the collection's type, its id, its context)
 * is kept and parsed at the end, so a file with a broken or cut-short top level is refused as well.
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;

function isWhitespace(byte: number): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}

/** Why the bytes are not the collection they should be; the caller words it for the person. */
export class CollectionShapeError extends Error {}

/** What a collection has outside its items, at most: Mastodon writes a few hundred bytes there. */
const MOST_OUTSIDE_ITEMS = 1024 * 1024;

/** The part of an item, key or value still being read when a chunk ends. */
class Capture {
  #parts: Buffer[] = [];
  #start = -1;

  get isOpen(): boolean {
    return this.#start >= 0;
  }

  begin(at: number): void {
    this.#start = at;
  }

  /** The chunk ends inside: its tail is kept, and the next chunk goes on from its start. */
  carry(chunk: Buffer): void {
    if (this.#start < 0) return;
    this.#parts.push(chunk.subarray(this.#start));
    this.#start = 0;
  }

  /** The text from the beginning through `end` (inclusive). */
  finish(chunk: Buffer, end: number): string {
    const last = chunk.subarray(this.#start, end + 1);
    const text = this.#parts.length === 0 ? last.toString("utf8") : Buffer.concat([...this.#parts, last]).toString("utf8");
    this.#parts = [];
    this.#start = -1;
    return text;
  }
}

export class CollectionScanner {
  /** Called with each item of orderedItems, in order. */
  onItem: (value: JsonValue) => void = () => undefined;
  /** The collection's type, once read (it comes before the items in what Mastodon writes). */
  type: JsonValue | undefined;

  #depth = 0;
  #inString = false;
  /** The top-level value is an object: its strings at depth 1 alternate between keys and values. */
  #topIsObject = false;
  #expectKey = false;
  #key: string | undefined;
  #keyCapture = new Capture();
  #typeCapture = new Capture();
  /** Inside orderedItems' list (at depth 2 and below). */
  #inItems = false;
  #item = new Capture();
  /** The open item is a bare number, true, false or null, which ends at whitespace, a comma or the list's end. */
  #itemIsPrimitive = false;
  /** An item ended and no comma has come since. */
  #afterItem = false;
  #seenComma = false;
  /** The chunk ended inside a string on an odd run of backslashes. */
  #escapesNext = false;
  #outside: Buffer[] = [];
  #outsideBytes = 0;

  write(chunk: Buffer): void {
    let outsideFrom = this.#inItems ? -1 : 0;
    const length = chunk.length;
    for (let index = 0; index < length; index++) {
      if (this.#inString) {
        const close = this.#closingQuote(chunk, index);
        if (close < 0) break;
        index = close;
        this.#inString = false;
        this.#stringClosed(chunk, index);
        continue;
      }
      const byte = chunk[index] as number;
      if (this.#inItems && this.#depth === 2) {
        if (this.#itemIsPrimitive) {
          if (isWhitespace(byte) || byte === COMMA || byte === CLOSE_BRACKET) this.#endItem(chunk, index - 1);
          else if (byte === QUOTE || byte === OPEN_BRACE || byte === OPEN_BRACKET || byte === COLON || byte === CLOSE_BRACE) throw this.#unexpected(byte);
          else continue;
        }
        if (isWhitespace(byte)) continue;
        if (byte === COMMA) {
          if (!this.#afterItem) throw this.#unexpected(byte);
          this.#afterItem = false;
          this.#seenComma = true;
          continue;
        }
        if (byte === CLOSE_BRACKET) {
          if (!this.#afterItem && this.#seenComma) throw this.#unexpected(byte);
          this.#inItems = false;
          this.#key = undefined;
          this.#depth = 1;
          outsideFrom = index;
          continue;
        }
        if (this.#afterItem || byte === COLON || byte === CLOSE_BRACE) throw this.#unexpected(byte);
        this.#item.begin(index);
        if (byte === QUOTE) this.#inString = true;
        else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) this.#depth = 3;
        else this.#itemIsPrimitive = true;
        continue;
      }
      if (byte === QUOTE) {
        this.#inString = true;
        if (this.#depth === 1 && this.#topIsObject) {
          if (!this.#expectKey && this.#key === "orderedItems") throw new CollectionShapeError("orderedItems is not a list");
          if (this.#expectKey) this.#keyCapture.begin(index);
          else if (this.#key === "type") this.#typeCapture.begin(index);
        }
      } else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) {
        if (this.#depth === 0) {
          this.#topIsObject = byte === OPEN_BRACE;
          this.#expectKey = this.#topIsObject;
        } else if (this.#depth === 1 && this.#key === "orderedItems" && !this.#inItems) {
          if (byte !== OPEN_BRACKET) throw new CollectionShapeError("orderedItems is not a list");
          this.#keep(chunk, outsideFrom, index + 1);
          outsideFrom = -1;
          this.#inItems = true;
          this.#afterItem = false;
          this.#seenComma = false;
        }
        this.#depth++;
      } else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) {
        this.#depth--;
        if (this.#inItems && this.#depth === 2) this.#endItem(chunk, index);
      } else if (this.#depth === 1 && this.#topIsObject) {
        if (byte === COMMA) {
          this.#expectKey = true;
          this.#key = undefined;
        } else if (byte === COLON) {
          this.#expectKey = false;
        } else if (this.#key === "orderedItems" && !isWhitespace(byte)) {
          throw new CollectionShapeError("orderedItems is not a list");
        }
      }
    }
    this.#keyCapture.carry(chunk);
    this.#typeCapture.carry(chunk);
    this.#item.carry(chunk);
    if (outsideFrom >= 0) this.#keep(chunk, outsideFrom, length);
  }

  /** The end of the file: refuses one cut short, and reads what was outside the items. */
  end(): void {
    if (this.#inItems || this.#inString || this.#depth !== 0) throw new CollectionShapeError("it ends early");
    let top: JsonValue;
    try {
      top = JSON.parse(Buffer.concat(this.#outside).toString("utf8")) as JsonValue;
    } catch (error) {
      throw new CollectionShapeError(`it is not valid JSON: ${(error as Error).message}`);
    }
    if (typeof top === "object" && top !== null && !Array.isArray(top)) this.type = top.type;
  }

  /** The index of the quote that ends the string under way, or -1 if it does not end in this chunk. */
  #closingQuote(chunk: Buffer, from: number): number {
    let at = from;
    if (this.#escapesNext) {
      // The last chunk ended on a backslash: this chunk's first byte is the character it escapes.
      this.#escapesNext = false;
      at++;
    }
    for (;;) {
      const quote = chunk.indexOf(QUOTE, at);
      if (quote < 0) {
        this.#escapesNext = backslashesBefore(chunk, chunk.length, at) % 2 === 1;
        return -1;
      }
      if (backslashesBefore(chunk, quote, at) % 2 === 0) return quote;
      at = quote + 1;
    }
  }

  #stringClosed(chunk: Buffer, index: number): void {
    if (this.#inItems && this.#depth === 2) {
      this.#endItem(chunk, index);
    } else if (this.#keyCapture.isOpen) {
      this.#key = JSON.parse(this.#keyCapture.finish(chunk, index)) as string;
    } else if (this.#typeCapture.isOpen) {
      this.type = JSON.parse(this.#typeCapture.finish(chunk, index)) as string;
    }
  }

  #endItem(chunk: Buffer, end: number): void {
    const text = this.#item.finish(chunk, end);
    this.#itemIsPrimitive = false;
    this.#afterItem = true;
    let value: JsonValue;
    try {
      value = JSON.parse(text) as JsonValue;
    } catch (error) {
      throw new CollectionShapeError(`it is not valid JSON: ${(error as Error).message}`);
    }
    this.onItem(value);
  }

  #keep(chunk: Buffer, from: number, to: number): void {
    if (from < 0 || to <= from) return;
    this.#outsideBytes += to - from;
    if (this.#outsideBytes > MOST_OUTSIDE_ITEMS) throw new CollectionShapeError("it holds more outside orderedItems than Mastodon writes");
    this.#outside.push(Buffer.from(chunk.subarray(from, to)));
  }

  #unexpected(byte: number): CollectionShapeError {
    return new CollectionShapeError(`it is not valid JSON: ${JSON.stringify(String.fromCharCode(byte))} where orderedItems' list has none`);
  }
}

/** How many backslashes stand right before `at`, counting back no further than `from`. */
function backslashesBefore(chunk: Buffer, at: number, from: number): number {
  let count = 0;
  while (at - count - 1 >= from && chunk[at - count - 1] === BACKSLASH) count++;
  return count;
}
