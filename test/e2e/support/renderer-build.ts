import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { waitFor } from "../../helpers/wait-for.ts";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const RENDERER = join(ROOT, "renderer");
const VITE = join(ROOT, "node_modules", "vite", "bin", "vite.js");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "dist" || entry.name === "node_modules" ? [] : sourceFiles(path);
    return [path];
  });
}

/** A hash of everything the build reads, so an unchanged renderer is built once for all test files. */
function sourceHash(): string {
  const hash = createHash("sha256");
  for (const file of sourceFiles(RENDERER).sort()) hash.update(relative(ROOT, file)).update("\0").update(readFileSync(file)).update("\0");
  hash.update(readFileSync(join(ROOT, "package-lock.json")));
  // This file is the build's recipe: a change to it is a change to the build.
  hash.update(readFileSync(fileURLToPath(import.meta.url)));
  return hash.digest("hex").slice(0, 16);
}

function runVite(outDir: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [VITE, "build", "--config", join(RENDERER, "vite.config.ts"), "--outDir", outDir, "--emptyOutDir", "--logLevel", "warn"], {
      cwd: ROOT,
      // Vitest runs with NODE_ENV=test, which would give React's development build.
      env: { ...process.env, NODE_ENV: "production" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolve() : reject(new Error(`vite build failed (${code}):\n${output}`))));
  });
}

/**
 * The renderer as `npm run build:renderer` makes it, built into a temporary folder named for its sources.
 * Test files run in parallel workers: the first one builds (holding a lock directory), the others wait for
 * its result; a build is published by renaming, so nobody reads a half-written one.
 */
export async function builtRenderer(): Promise<string> {
  const outDir = join(tmpdir(), `hearth-e2e-renderer-${sourceHash()}`);
  const index = join(outDir, "index.html");
  if (existsSync(index)) return outDir;
  const lock = `${outDir}.lock`;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // Another worker builds. A lock older than a build could take was left by a crashed run.
      if (Date.now() - statSync(lock, { throwIfNoEntry: false })!.mtimeMs > 180_000) rmSync(lock, { recursive: true, force: true });
      else await waitFor(() => existsSync(index) || !existsSync(lock), { timeoutMs: 180_000, intervalMs: 200, what: "another worker's renderer build" });
      if (existsSync(index)) return outDir;
    }
  }
  try {
    const staging = `${outDir}.staging-${process.pid}`;
    await runVite(staging);
    rmSync(outDir, { recursive: true, force: true });
    renameSync(staging, outDir);
    return outDir;
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}
