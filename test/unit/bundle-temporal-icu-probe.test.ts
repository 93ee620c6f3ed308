import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import type * as TemporalPolyfill from "@js-temporal/polyfill";
import { deferTemporalIcuProbe } from "../../build/bundle-server.ts";

const require = createRequire(import.meta.url);
const POLYFILL = join(dirname(require.resolve("@js-temporal/polyfill")), "index.esm.js");
const JSBI = require.resolve("jsbi").replace(/jsbi-cjs\.js$/, "jsbi.mjs");

type TemporalModule = typeof TemporalPolyfill;

const folder = mkdtempSync(join(tmpdir(), "hearth-temporal-probe-"));
let copies = 0;

/** The polyfill's source, rewritten or not, as a module of its own (jsbi found by its path). */
async function loadPolyfill(rewrite: (code: string) => string): Promise<TemporalModule> {
  const file = join(folder, `polyfill-${(copies += 1)}.mjs`);
  writeFileSync(file, rewrite(readFileSync(POLYFILL, "utf8")).replace(/from\s*"jsbi"/, `from ${JSON.stringify(pathToFileURL(JSBI).href)}`).replace(/\/\/# sourceMappingURL=\S+/, ""));
  return (await import(pathToFileURL(file).href)) as TemporalModule;
}

function indianProbes(spy: { mock: { calls: unknown[][] } }): number {
  return spy.mock.calls.filter(([locale]) => locale === "en-US-u-ca-indian").length;
}

// The bundle's rewrite of the Temporal polyfill (build/bundle-server.ts says why: ICU's date formatting loaded at every start).
describe("the server bundle's Temporal polyfill", () => {
  afterEach(() => vi.restoreAllMocks());
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it("asks ICU nothing when it loads, and asks it once when an Indian-calendar date first needs the answer, which is the polyfill's own", async () => {
    const probe = vi.spyOn(Date.prototype, "toLocaleDateString");
    const rewritten = await loadPolyfill(deferTemporalIcuProbe);
    expect(indianProbes(probe)).toBe(0);
    const date = rewritten.Temporal.PlainDate.from("2024-03-21").withCalendar("indian");
    const days = Array.from({ length: 3 }, (_, i) => date.add({ days: i }).toString());
    expect(indianProbes(probe)).toBe(1);
    // The control, and the answer: the polyfill as published asks at load, and dates come out the same.
    const published = await loadPolyfill((code) => code);
    expect(indianProbes(probe)).toBe(2);
    const publishedDate = published.Temporal.PlainDate.from("2024-03-21").withCalendar("indian");
    expect(Array.from({ length: 3 }, (_, i) => publishedDate.add({ days: i }).toString())).toEqual(days);
    expect(date.year).toBe(publishedDate.year);
  });

  it("refuses to build from a polyfill that no longer probes as expected, rather than bundling it unexamined", () => {
    expect(() => deferTemporalIcuProbe("export const Temporal = {};")).toThrow(/no longer probes ICU/);
  });
});
