// The web client's budget: the JavaScript a browser must fetch before the first screen, gzipped, stays under
// 250 KB (issue #6), so the UI opens quickly on a phone through the tunnel. Lazily loaded chunks do not count.
//   node scripts/check-bundle-size.ts [renderer/dist]
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

export const INITIAL_JS_BUDGET_BYTES = 250 * 1024;

export interface InitialJs {
  files: Array<{ path: string; gzipBytes: number }>;
  gzipBytes: number;
}

/** The scripts index.html loads at once: its module entry and every chunk it preloads. */
export function initialScripts(indexHtml: string): string[] {
  const paths = new Set<string>();
  for (const match of indexHtml.matchAll(/<script\b[^>]*\bsrc="([^"]+)"[^>]*>/g)) paths.add(match[1]!);
  for (const match of indexHtml.matchAll(/<link\b[^>]*\brel="modulepreload"[^>]*>/g)) {
    const href = /\bhref="([^"]+)"/.exec(match[0])?.[1];
    if (href) paths.add(href);
  }
  return [...paths].filter((path) => !/^(https?:)?\/\//.test(path));
}

export function measureInitialJs(distDir: string): InitialJs {
  const files = initialScripts(readFileSync(join(distDir, "index.html"), "utf8")).map((path) => ({
    path,
    gzipBytes: gzipSync(readFileSync(join(distDir, path.replace(/^\//, ""))), { level: 9 }).length,
  }));
  return { files, gzipBytes: files.reduce((sum, file) => sum + file.gzipBytes, 0) };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const distDir = process.argv[2] ?? fileURLToPath(new URL("../renderer/dist", import.meta.url));
  const measured = measureInitialJs(distDir);
  for (const file of measured.files) console.log(`${(file.gzipBytes / 1024).toFixed(1).padStart(8)} KB  ${file.path}`);
  const total = `${(measured.gzipBytes / 1024).toFixed(1)} KB of ${INITIAL_JS_BUDGET_BYTES / 1024} KB`;
  if (measured.gzipBytes > INITIAL_JS_BUDGET_BYTES) {
    console.error(`Initial JavaScript is over budget: ${total} gzipped.`);
    process.exit(1);
  }
  console.log(`Initial JavaScript: ${total} gzipped.`);
}
