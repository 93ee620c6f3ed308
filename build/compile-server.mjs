// electron-builder's beforePack hook: bundles server/ into JavaScript in dist/server-build (build/bundle-server.ts,
// its entry named cli.js), which electron-builder.yml packs as the app's server/. The packaged app runs the
// server in Electron's utility process and does not count on Electron's Node to strip TypeScript types the way
// the pinned Node 24 does; one bundle also starts in half the CPU time of ~360 modules (issue #19).
// It also checks that the renderer and the shell were built (`npm run build`), since the app needs both.
import { spawnSync } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));

export default async function compileServer() {
  for (const [file, build] of [
    ["renderer/dist/index.html", "npm run build:renderer"],
    ["main/dist/main.js", "npm run build:main"],
    ["main/dist/preload.cjs", "npm run build:main"],
  ]) {
    if (!existsSync(`${root}/${file}`)) throw new Error(`${file} is missing; run \`${build}\` (or \`npm run build\`) before packaging.`);
  }
  rmSync(`${root}/dist/server-build`, { recursive: true, force: true });
  // The bundler script is TypeScript: run by the pinned Node 24 when the packager runs on an older one.
  const pinned = `${root}/node_modules/node/bin/${process.platform === "win32" ? "node.exe" : "node"}`;
  const node = Number(process.versions.node.split(".")[0]) >= 24 || !existsSync(pinned) ? process.execPath : pinned;
  const result = spawnSync(node, [`${root}/build/bundle-server.ts`, "--out", `${root}/dist/server-build`, "--entry", "cli.js"], { stdio: "inherit" });
  if (result.status !== 0) throw new Error(`Bundling the server failed (exit code ${result.status}).`);
}
