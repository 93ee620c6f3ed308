import { join } from "node:path";

/** Where the shell finds its parts: from the source tree in development, inside the app once packaged. */
export interface AppPaths {
  /** main/dist/preload.cjs: compiled in both cases (Electron loads only JavaScript as a preload). */
  preload: string;
  /** The server process's entry and the CLI module it runs. */
  serverEntry: string;
  serverCli: string;
  /** The Node that runs the server in development; undefined when packaged (the utility process runs it). */
  nodeBinary: string | undefined;
  /** Tray icon images: a template image for the macOS menu bar, a colour one elsewhere. */
  trayIcon: string;
  appIcon: string;
}

/**
 * appPath is app.getAppPath(): the project root in development (Electron is started on it), the inside of
 * app.asar once packaged. The packaged app carries main/dist and the server compiled to JavaScript (see
 * electron-builder.yml); development runs main/server-entry.ts and server/cli.ts on the pinned Node.
 */
export function appPaths(options: { appPath: string; isPackaged: boolean; platform: NodeJS.Platform; env: NodeJS.ProcessEnv }): AppPaths {
  const { appPath, isPackaged, platform } = options;
  const assets = join(appPath, "main", "assets");
  const trayIcon = platform === "darwin" ? join(assets, "trayTemplate.png") : join(assets, "tray.png");
  const appIcon = join(assets, "icon.png");
  const preload = join(appPath, "main", "dist", "preload.cjs");
  if (isPackaged) {
    return {
      preload,
      serverEntry: join(appPath, "main", "dist", "server-entry.js"),
      serverCli: join(appPath, "server", "cli.js"),
      nodeBinary: undefined,
      trayIcon,
      appIcon,
    };
  }
  const nodeFile = platform === "win32" ? "node.exe" : "node";
  return {
    preload,
    serverEntry: join(appPath, "main", "server-entry.ts"),
    // Set by `npm start` to the server bundle when it is built and fresh (bin/server-bundle.js).
    serverCli: options.env.HEARTH_SERVER_CLI ?? join(appPath, "server", "cli.ts"),
    // Set by `npm start` to the Node it runs on (the pinned one).
    nodeBinary: options.env.HEARTH_NODE ?? join(appPath, "node_modules", "node", "bin", nodeFile),
    trayIcon,
    appIcon,
  };
}
