// Types for server-node-flags.js, which bin/hearth.js imports as plain JavaScript before any TypeScript loads.
export declare const SERVER_NODE_FLAGS: readonly string[];
export declare function hasServerNodeFlags(execArgv?: readonly string[], nodeOptions?: string): boolean;
