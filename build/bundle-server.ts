// `npm run build:server`: the server as one JavaScript bundle in server-bundle/, which bin/hearth.js (and so
// `npm run serve` and `npm start`) and the desktop app run when it is there and newer than every source.
// A start from the sources resolves, strips and compiles ~1,500 modules one by one; from the bundle it reads
// one file (issue #19). Tests run the sources.
//
// The bundle sits one folder below the project root, as server/ does, so that what the server finds beside
// itself through import.meta.url resolves the same way: ../renderer/dist, ../package.json, ./assets/ (copied
// here from server/http/assets) and ./database-copy-worker.js (the backup's worker thread, its own entry).
import { spawn } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { rolldown } from "rolldown";
import { BUNDLE_COMPILE_CACHE, BUNDLE_DIR_NAME, BUNDLE_ENTRY, BUNDLE_STAMP } from "../bin/server-bundle.js";
import { SERVER_START_FLAGS, withServerEnvironment } from "../bin/server-node-flags.js";

const root = fileURLToPath(new URL("..", import.meta.url)).replace(/[/\\]$/, "");

/**
 * Kept out of the bundle and loaded from node_modules: native addons (a .node file cannot be bundled) and the
 * packages a started server loads only on first use (test/…serve-start-footprint…), whose cost a start must
 * not pay either way.
 */
export const EXTERNAL_PACKAGES = ["better-sqlite3", "sharp", "blurhash", "web-push", "file-type", "tar", "yazl", "yauzl", "qrcode", "cloudflared", "sanitize-html", "koffi", "electron"];

/**
 * Modules a start imports but does not use, each replaced in the bundle by a stand-in (lazyDefaultModule) that
 * loads it from node_modules at the first read of its default export. jsonld's webpack build, imported at the
 * top of Fedify's vocabulary for expand and compact, took a tenth of a start's module evaluation (issue #19,
 * bench/start-profile.ts); a start expands nothing.
 */
export const LAZY_DEFAULT_EXPORTS: readonly string[] = ["jsonld/dist/jsonld.esm.js"];

const LAZY_PREFIX = "\0hearth-lazy:";

/**
 * The Temporal polyfill Fedify imports makes its eighteen calendars when it loads, and the Indian one asks ICU
 * at once whether this engine has a bug with dates before year 1 (a toLocaleDateString in that calendar): ICU's
 * date formatting was loaded at every start for it, most of the polyfill's evaluation (issue #19,
 * bench/start-profile.ts). The answer is computed at its first read instead (only that calendar's dates before
 * year 1 read it), then kept as the plain value it was.
 */
const TEMPORAL_ICU_PROBE = `this.vulnerableToBceBug="10/11/-79 Saka"!==new Date("0000-01-01T00:00Z").toLocaleDateString("en-US-u-ca-indian",{timeZone:"UTC"})`;
const TEMPORAL_POLYFILL = /[\\/]@js-temporal[\\/]polyfill[\\/]dist[\\/]index\.esm\.js$/;

/** The polyfill's source with the probe made on first read; throws when the source no longer holds it, so a new polyfill is looked at again. */
export function deferTemporalIcuProbe(code: string): string {
  if (!code.includes(TEMPORAL_ICU_PROBE)) throw new Error("@js-temporal/polyfill no longer probes ICU as build/bundle-server.ts expects; look at its start cost again.");
  const probe = TEMPORAL_ICU_PROBE.slice("this.vulnerableToBceBug=".length);
  return code.replace(
    TEMPORAL_ICU_PROBE,
    `Object.defineProperty(this,"vulnerableToBceBug",{configurable:!0,enumerable:!0,get(){const v=${probe};Object.defineProperty(this,"vulnerableToBceBug",{value:v,writable:!0,enumerable:!0,configurable:!0});return v}})`,
  );
}

/**
 * The stand-in: every read of the default export is forwarded to the module, required at the first one. Reads
 * only (nothing assigns to jsonld or extends it); `this` in a call is the stand-in, which reads through too.
 */
function lazyDefaultModule(specifier: string): string {
  return [
    `import { createRequire } from "node:module";`,
    `const require = createRequire(import.meta.url);`,
    `let loaded;`,
    `const load = () => (loaded ??= require(${JSON.stringify(specifier)}));`,
    `export default new Proxy(Object.create(null), {`,
    `  get: (_, key) => load()[key],`,
    `  has: (_, key) => key in load(),`,
    `  ownKeys: () => Reflect.ownKeys(load()),`,
    `  getOwnPropertyDescriptor: (_, key) => { const found = Reflect.getOwnPropertyDescriptor(load(), key); return found && { ...found, configurable: true }; },`,
    `});`,
  ].join("\n");
}

function isExternal(id: string): boolean {
  if (id.startsWith("node:")) return true;
  return EXTERNAL_PACKAGES.some((name) => id === name || id.startsWith(`${name}/`));
}

export interface BundleOptions {
  /** The project root whose server/ is bundled (a test may bundle a fixture tree). */
  root?: string;
  outDir?: string;
  /** The entry's file name: hearth.mjs in the project, cli.js where the packaged app looks (build/compile-server.mjs). */
  entryFileName?: string;
  /**
   * Starts the bundle once (serve, until it says it serves) to fill its compile cache
   * (bin/server-bundle.js, BUNDLE_COMPILE_CACHE), so the first start after the build is warm. Only for a bundle
   * run by this Node: the packaged app's runs on Electron's, whose V8 would not accept this one's cache.
   */
  warmCompileCache?: boolean;
}

const WARM_UP_DEADLINE_MS = 120_000;

/**
 * Runs the built bundle's `serve` on a throwaway data directory with the compile cache on, as `hearth serve` runs.
 * Not set up first: a new directory's start loads the same modules, without a setup's key generation.
 */
export async function warmCompileCache(outDir: string, entryFileName = BUNDLE_ENTRY): Promise<void> {
  const entry = join(outDir, entryFileName);
  const dataDir = mkdtempSync(join(tmpdir(), "hearth-build-warm-up-"));
  const env = { ...withServerEnvironment(), NODE_COMPILE_CACHE: join(outDir, BUNDLE_COMPILE_CACHE) };
  try {
    // With the flags `hearth serve` starts with: Node keeps a compile cache for each set of V8 flags.
    const serving = spawn(process.execPath, [...SERVER_START_FLAGS, entry, "serve", "--data-dir", dataDir, "--port", "0", "--log-level", "error"], {
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    serving.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => serving.once("exit", resolve));
    // The serve command writes the cache when it says it serves (server/cli/run-cli.ts), and again at exit.
    const served = await new Promise<boolean>((resolve) => {
      let stdout = "";
      const timer = setTimeout(() => resolve(false), WARM_UP_DEADLINE_MS);
      serving.stdout.on("data", (chunk: Buffer) => {
        stdout += chunk.toString();
        if (/serving on /.test(stdout)) {
          clearTimeout(timer);
          resolve(true);
        }
      });
      void exited.then(() => {
        clearTimeout(timer);
        resolve(false);
      });
    });
    serving.kill("SIGINT");
    const code = await exited;
    if (!served || code !== 0) throw new Error(`the bundle did not serve (exit ${code}): ${stderr}`);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Bundles server/cli.ts and the worker; returns how many modules went in. */
export async function bundleServer(options: BundleOptions = {}): Promise<{ outDir: string; modules: number }> {
  const base = options.root ?? root;
  const outDir = options.outDir ?? `${base}/${BUNDLE_DIR_NAME}`;
  const entryFileName = options.entryFileName ?? BUNDLE_ENTRY;
  const build = await rolldown({
    input: {
      hearth: `${base}/server/cli.ts`,
      "database-copy-worker": `${base}/server/backup/database-copy-worker.ts`,
    },
    platform: "node",
    // A package's ES module build before its CommonJS one: a CommonJS module goes in whole, an ES module only
    // with what is used of it. @opentelemetry/core's CommonJS build required all 398 KiB of
    // @opentelemetry/semantic-conventions for the five names Fedify uses (issue #19).
    resolve: { mainFields: ["module", "main"] },
    external: isExternal,
    plugins: [
      {
        name: "hearth-lazy-default-exports",
        resolveId(source) {
          return LAZY_DEFAULT_EXPORTS.includes(source) ? `${LAZY_PREFIX}${source}` : null;
        },
        load(id) {
          return id.startsWith(LAZY_PREFIX) ? lazyDefaultModule(id.slice(LAZY_PREFIX.length)) : null;
        },
      },
      {
        // charset "ascii" (below) escapes code, not comments: a package's licence line keeps its author's name,
        // and that one character made the whole server chunk a two-byte string. Written as \uXXXX in the comment.
        name: "hearth-ascii-legal-comments",
        renderChunk(code) {
          return /[\u0080-\uffff]/.test(code) ? code.replace(/^\/\/!.*$/gm, (line) => line.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`)) : null;
        },
      },
      {
        name: "hearth-temporal-icu-probe-on-first-read",
        transform(code, id) {
          return TEMPORAL_POLYFILL.test(id) ? deferTemporalIcuProbe(code) : null;
        },
      },
    ],
    logLevel: "warn",
    onLog(level, log, handler) {
      // A circular import among Fedify's own modules is theirs and works; everything else is shown.
      if (log.code === "CIRCULAR_DEPENDENCY") return;
      handler(level, log);
    },
  });
  let modules = 0;
  try {
    rmSync(outDir, { recursive: true, force: true });
    const { output } = await build.write({
      dir: outDir,
      format: "esm",
      // The worker is found by its name (server/backup/database-copy.ts) and chunks beside the entries, so that
      // import.meta.url is the same folder in every one of them.
      entryFileNames: (chunk) => (chunk.name === "hearth" ? entryFileName : "[name].js"),
      chunkFileNames: "[name]-[hash].js",
      sourcemap: false,
      // A third less source to read, hash and compile at each start, and ~9 MiB less resident (issue #19).
      // Names kept: errors, logs and stack traces name the functions and classes as the sources do, and a
      // library that reads constructor.name still finds its own.
      minify: true,
      keepNames: true,
      // Every chunk ASCII: a handful of non-ASCII characters (emoji in Fedify's vocabulary, a few in ours) made
      // Node decode each whole chunk as UTF-8 into a two-byte string at every start (2.6 MB for Fedify's chunk,
      // read as 5.3 MB), where an ASCII file is copied into a one-byte string (issue #19, bench/start-profile.ts:
      // decodeUTF8 under the module loader). Escaped as \uXXXX, the values are the same.
      charset: "ascii",
    });
    for (const chunk of output) if (chunk.type === "chunk") modules += chunk.moduleIds.length;
  } finally {
    await build.close();
  }
  mkdirSync(`${outDir}/assets`, { recursive: true });
  cpSync(`${base}/server/http/assets`, `${outDir}/assets`, { recursive: true });
  if (options.warmCompileCache) await warmCompileCache(outDir, entryFileName);
  // Written last: a bundle without its stamp is one whose build did not finish, and is never run.
  writeFileSync(`${outDir}/${BUNDLE_STAMP}`, `${new Date().toISOString()}\n`);
  return { outDir, modules };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  // `--out DIR --entry NAME`: the packaged app's build (build/compile-server.mjs); no arguments: server-bundle/.
  const { values } = parseArgs({ options: { out: { type: "string" }, entry: { type: "string" } } });
  // The project's own bundle, run by this Node, is warmed; the packaged app's (--out) runs on Electron's.
  const { outDir, modules } = await bundleServer({
    ...(values.out ? { outDir: values.out } : { warmCompileCache: true }),
    ...(values.entry ? { entryFileName: values.entry } : {}),
  });
  console.log(`Bundled the server (${modules} modules) into ${outDir}.`);
}
