// electron-builder's beforePack hook: compiles server/ to JavaScript in dist/server-build, which
// electron-builder.yml packs as the app's server/. The packaged app runs the server in Electron's utility
// process and does not count on Electron's Node to strip TypeScript types the way the pinned Node 24 does.
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
  const result = spawnSync(process.execPath, [`${root}/node_modules/typescript/bin/tsc`, "-p", `${root}/build/tsconfig.server.json`], { stdio: "inherit" });
  if (result.status !== 0) throw new Error(`Compiling the server failed (tsc exited with ${result.status}).`);
}
