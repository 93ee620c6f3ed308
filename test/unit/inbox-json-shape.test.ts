import { describe, expect, it } from "vitest";
import { jsonShape } from "../../server/http/inbox-json-shape.ts";

describe("jsonShape: how deep and how long an inbox body is, before JSON-LD processing", () => {
  it("measures nesting and the longest array", () => {
    expect(jsonShape('{"a":[1,2,3],"b":{"c":[[],[{}]]}}')).toEqual({ depth: 5, longestArray: 3 });
    expect(jsonShape("[]")).toEqual({ depth: 1, longestArray: 1 });
    expect(jsonShape(`${'{"a":'.repeat(10_000)}1${"}".repeat(10_000)}`).depth).toBe(10_000);
    expect(jsonShape(JSON.stringify({ tag: Array.from({ length: 10_000 }, (_, i) => ({ href: `u${i}` })) })).longestArray).toBe(10_000);
  });

  it("ignores brackets, commas and escaped quotes inside strings", () => {
    expect(jsonShape(JSON.stringify({ content: '[[[{{{"a,b,c"\\]]]' }))).toEqual({ depth: 1, longestArray: 0 });
    expect(jsonShape(JSON.stringify(["a,b", "c\"[d"]))).toEqual({ depth: 1, longestArray: 2 });
  });
});
