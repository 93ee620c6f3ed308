import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { INITIAL_JS_BUDGET_BYTES, initialScripts, measureInitialJs } from "../../scripts/check-bundle-size.ts";
import { builtRenderer } from "./support/renderer-build.ts";

describe("the web client's initial JavaScript budget", () => {
  it("counts the entry script and preloaded chunks, not lazy ones or other origins", () => {
    const html = `<script type="module" crossorigin src="/assets/index-a.js"></script>
      <link rel="modulepreload" crossorigin href="/assets/vendor-b.js"><link rel="stylesheet" href="/assets/index.css">
      <script src="https://cdn.example/x.js"></script>`;
    expect(initialScripts(html)).toEqual(["/assets/index-a.js", "/assets/vendor-b.js"]);

    const dist = mkdtempSync(join(tmpdir(), "hearth-bundle-"));
    try {
      writeFileSync(join(dist, "index.html"), '<script type="module" src="/big.js"></script>');
      // Random bytes do not compress: 300 KB of them is over the budget.
      writeFileSync(join(dist, "big.js"), Buffer.from(Array.from({ length: 300 * 1024 }, () => Math.floor(Math.random() * 256))));
      expect(measureInitialJs(dist).gzipBytes).toBeGreaterThan(INITIAL_JS_BUDGET_BYTES);
    } finally {
      rmSync(dist, { recursive: true, force: true });
    }
  });

  it("stays under 250 KB gzipped in the production build", async () => {
    const measured = measureInitialJs(await builtRenderer());
    expect(measured.files.length).toBeGreaterThan(0);
    expect(measured.gzipBytes).toBeLessThan(INITIAL_JS_BUDGET_BYTES);
  }, 180_000);
});
