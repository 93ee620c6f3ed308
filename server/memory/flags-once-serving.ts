import { setFlagsFromString } from "node:v8";
import { flagsToSetOnceServing } from "../../bin/server-node-flags.js";

/**
 * Sets the server's V8 flags that a start is better without (bin/server-node-flags.js, FLAGS_SET_ONCE_SERVING),
 * keeping any the process was started with: a starter's own choice (the desktop shell, `npm run serve`, a
 * benchmark's) is never overridden. Called once the server serves, after the compile cache is written, so what
 * it holds was made under the flags the next start begins with. Returns the flags it set.
 */
export function setFlagsOnceServing(
  execArgv: readonly string[] = process.execArgv,
  nodeOptions: string = process.env.NODE_OPTIONS ?? "",
  set: (flag: string) => void = setFlagsFromString,
): string[] {
  const flags = flagsToSetOnceServing(execArgv, nodeOptions);
  for (const flag of flags) set(flag);
  return flags;
}
