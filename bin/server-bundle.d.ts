// Types for server-bundle.js, which bin/hearth.js imports as plain JavaScript before any TypeScript loads.
export declare const BUNDLE_DIR_NAME: string;
export declare const BUNDLE_ENTRY: string;
export declare const BUNDLE_STAMP: string;
export declare const BUNDLE_COMPILE_CACHE: string;
/** The bundle's entry when it is built and newer than every source, else undefined. */
export declare function freshBundle(root?: string): string | undefined;
/** The module whose runCli runs the `hearth` command: the fresh bundle, else server/cli.ts. */
export declare function cliModule(root?: string): string;
/** The compile cache's folder for a command module: inside the bundle for the bundle, else undefined (Node's default). */
export declare function compileCacheDirOf(cliModulePath: string): string | undefined;
