// Types for server-node-flags.js, which bin/hearth.js imports as plain JavaScript before any TypeScript loads.
export declare const SERVER_NODE_FLAGS: readonly string[];
export declare const FLAGS_SET_ONCE_SERVING: readonly string[];
export declare const SERVER_START_FLAGS: readonly string[];
export declare function flagsToSetOnceServing(execArgv?: readonly string[], nodeOptions?: string): string[];
export declare function hasServerNodeFlags(execArgv?: readonly string[], nodeOptions?: string): boolean;
export declare const SERVER_ENVIRONMENT: Readonly<Record<string, string>>;
export declare function withServerEnvironment(env?: NodeJS.ProcessEnv): Record<string, string>;
export declare function hasServerEnvironment(env?: NodeJS.ProcessEnv): boolean;
export declare function missingServerNodeFlags(execArgv?: readonly string[], nodeOptions?: string): string[];
