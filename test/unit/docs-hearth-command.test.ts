import { readdirSync, readFileSync, statSync } from "node:fs";
import { describe, expect, it } from "vitest";

/**
 * npm's registry holds an unrelated package named "hearth". `npx hearth …` run outside the project folder
 * offers to download and run it, so every command a person is told to type says `npx --no-install hearth`
 * or `npm run hearth -- …` (issue #15, item 13). This scans the docs and the text the code prints.
 */

const ROOT = new URL("../../", import.meta.url);
const PLACES = ["README.md", "docs", "server", "main", "bin", "scripts", "renderer/src", "renderer/index.html", "electron-builder.yml"];
const TEXT_FILE = /\.(md|ts|tsx|js|mjs|cjs|json|html|yml|yaml|sh)$/;
// Built output, not sources.
const SKIPPED_FOLDERS = new Set(["node_modules", "dist"]);

/** npx or `npm exec` (with any flags) running `hearth` without --no-install: what would reach the registry. */
const NPM_EXEC_OF_HEARTH = /\b(?:npx|npm\s+exec)((?:\s+--?[\w-]+(?:=\S+)?)*)(?:\s+--)?\s+hearth\b/g;

function registryReachingCommands(text: string): string[] {
  return [...text.matchAll(NPM_EXEC_OF_HEARTH)].filter((match) => !/\s--no(?:-install)?(?=\s|$)/.test(match[1] ?? "")).map((match) => match[0]);
}

function filesUnder(relative: string): string[] {
  const url = new URL(relative, ROOT);
  if (!statSync(url).isDirectory()) return [relative];
  return readdirSync(url, { withFileTypes: true }).flatMap((entry) => {
    if (entry.isDirectory()) return SKIPPED_FOLDERS.has(entry.name) ? [] : filesUnder(`${relative}/${entry.name}`);
    return TEXT_FILE.test(entry.name) ? [`${relative}/${entry.name}`] : [];
  });
}

describe("how the docs and printed hints tell a person to run hearth", () => {
  it("knows a command that can reach the registry from one that cannot", () => {
    expect(registryReachingCommands("npx hearth serve")).toEqual(["npx hearth"]);
    expect(registryReachingCommands("printf x | npx hearth setup --username a")).toHaveLength(1);
    expect(registryReachingCommands("npx --yes hearth token")).toHaveLength(1);
    expect(registryReachingCommands("npm exec -- hearth token")).toHaveLength(1);
    expect(registryReachingCommands("npx --no-install hearth serve")).toEqual([]);
    expect(registryReachingCommands("npx --no hearth serve")).toEqual([]);
    expect(registryReachingCommands("npm run hearth -- setup --data-dir d")).toEqual([]);
    expect(registryReachingCommands("npm run build && npx electron-builder")).toEqual([]);
    expect(registryReachingCommands("run `hearth setup` first")).toEqual([]);
  });

  const files = PLACES.flatMap(filesUnder);

  it("scans the README, docs and sources", () => {
    expect(files).toContain("README.md");
    expect(files).toContain("server/cli.ts");
    expect(files.some((file) => file.startsWith("docs/"))).toBe(true);
  });

  it("never says to run hearth through npx without --no-install", () => {
    const offenders = files.flatMap((file) => registryReachingCommands(readFileSync(new URL(file, ROOT), "utf8")).map((command) => `${file}: ${command}`));
    expect(offenders).toEqual([]);
  });
});
