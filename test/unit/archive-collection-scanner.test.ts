import { describe, expect, it } from "vitest";
import type { JsonValue } from "../../server/archive/archive-json.ts";
import { CollectionScanner } from "../../server/archive/collection-scanner.ts";

/** Feeds the bytes in chunks of the sizes given (cycled), as a zip's inflate stream hands them out. */
function scan(text: string, sizes: readonly number[] = [65536]): { items: JsonValue[]; type: JsonValue | undefined } {
  const bytes = Buffer.from(text, "utf8");
  const scanner = new CollectionScanner();
  const items: JsonValue[] = [];
  scanner.onItem = (value) => items.push(value);
  let at = 0;
  for (let turn = 0; at < bytes.length; turn++) {
    const size = sizes[turn % sizes.length] as number;
    scanner.write(bytes.subarray(at, at + size));
    at += size;
  }
  scanner.end();
  return { items, type: scanner.type };
}

// Strings that end on backslashes, quote inside, brackets and commas inside, characters of 2 to 4 bytes.
const awkward = [
  { id: "a", content: 'He said "hi" \\ and left\\', tags: [{ name: "#x]" }, { name: "{y," }] },
  "a bare string item with \\\" and ] and }",
  42,
  -1.5e3,
  true,
  null,
  [1, [2, [3, "]"]]],
  { emoji: "été ✓ 🐘", nested: { deeper: [{}, [], ""] }, slash: "\\\\" },
];
const file = JSON.stringify({ "@context": ["https://www.w3.org/ns/activitystreams", { "x": "]" }], id: "outbox.json", type: "OrderedCollection", totalItems: 8, orderedItems: awkward }, null, 1);

describe("the items of an OrderedCollection, found in its bytes", () => {
  it("reads every item as JSON.parse reads the whole file, however the bytes are cut", () => {
    const whole = JSON.parse(file) as { orderedItems: JsonValue[] };
    for (const sizes of [[65536], [1], [2], [3], [7], [1, 5, 2, 11], [13, 1]]) {
      expect(scan(file, sizes), `chunks of ${sizes.join(",")}`).toEqual({ items: whole.orderedItems, type: "OrderedCollection" });
    }
    expect(scan(JSON.stringify({ type: "OrderedCollection", orderedItems: [] }))).toEqual({ items: [], type: "OrderedCollection" });
  });

  it("refuses a list, a file or an item that is not JSON, and one cut short", () => {
    const refusal = (text: string) => {
      try {
        scan(text, [3]);
        return "accepted";
      } catch (error) {
        return (error as Error).message;
      }
    };
    // The positive control: the same shapes, well formed.
    expect(refusal('{"type":"OrderedCollection","orderedItems":[{"a":1},2]}')).toBe("accepted");
    expect(refusal('{"type":"OrderedCollection","orderedItems":[{"a":1},,2]}')).toContain("not valid JSON");
    expect(refusal('{"type":"OrderedCollection","orderedItems":[{"a":1},2,]}')).toContain("not valid JSON");
    expect(refusal('{"type":"OrderedCollection","orderedItems":[{"a":1} {"b":2}]}')).toContain("not valid JSON");
    expect(refusal('{"type":"OrderedCollection","orderedItems":[{"a":1]}]}')).toContain("not valid JSON");
    expect(refusal('{"type":"OrderedCollection","orderedItems":[tru]}')).toContain("not valid JSON");
    expect(refusal('{"type":"OrderedCollection" "orderedItems":[]}')).toContain("not valid JSON");
    expect(refusal('{"type":"OrderedCollection","orderedItems":[]} trailing')).toContain("not valid JSON");
    expect(refusal('{"type":"OrderedCollection","orderedItems":[{"type":')).toContain("ends early");
    expect(refusal('{"type":"OrderedCollection","orderedItems":{"a":1}}')).toContain("orderedItems is not a list");
    expect(refusal('{"type":"OrderedCollection","orderedItems":"a"}')).toContain("orderedItems is not a list");
    expect(refusal('{"type":"OrderedCollection","orderedItems":7}')).toContain("orderedItems is not a list");
    expect(refusal("")).toContain("not valid JSON");
  });

  it("reads the collection's type before its items, and from the whole top level at the end", () => {
    const scanner = new CollectionScanner();
    scanner.write(Buffer.from('{"id":"x","type":"Person","orderedItems":['));
    expect(scanner.type).toBe("Person");
    expect(scan('{"orderedItems":[1],"type":"OrderedCollection"}').type).toBe("OrderedCollection");
    expect(scan('[{"type":"OrderedCollection"}]').type).toBeUndefined();
  });
});
