import { createRequire } from "node:module";
import type SanitizeHtml from "sanitize-html";

// sanitize-html brings htmlparser2 and postcss: ~15 MiB resident and a tenth of a second to load, for HTML
// that comes with the first remote post or link preview, not with a start (issue #19). It is CommonJS, so
// require() loads it synchronously where it is first called and the sanitisers stay synchronous. Kept out of
// the server bundle (build/bundle-server.ts) and found in node_modules, as the bundle's other such packages.
const require = createRequire(import.meta.url);
let loaded: typeof SanitizeHtml | undefined;

/** sanitize-html's own function, loaded on its first call. */
export function sanitizeHtml(html: string, options?: SanitizeHtml.IOptions): string {
  loaded ??= require("sanitize-html") as typeof SanitizeHtml;
  return loaded(html, options);
}
