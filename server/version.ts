import { readFileSync } from "node:fs";

/** Hearth's own version, from package.json, for NodeInfo, the instance entity and the User-Agent. */
export const HEARTH_VERSION: string = (
  JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string }
).version;

/**
 * What Mastodon apps read to decide which features to use. We claim the Mastodon version whose API we
 * follow, marked compatible, as GoToSocial and Hollo do; apps parse the leading number.
 */
export const MASTODON_COMPATIBLE_VERSION = `4.0.0 (compatible; Hearth ${HEARTH_VERSION})`;
