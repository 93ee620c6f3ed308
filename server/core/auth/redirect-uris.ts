import { Invalid } from "../errors.ts";
import { NO_REDIRECT } from "./tokens.ts";

// Schemes that would run code or show content in place of returning to the app.
const FORBIDDEN_SCHEMES = new Set(["javascript:", "data:", "vbscript:", "file:", "blob:"]);

/**
 * Apps register where to send the user back: https pages, loopback http, custom schemes of native apps
 * (ivory://, tusky-oauth://) or the out-of-band page. RFC 6749 §3.1.2 forbids fragments.
 */
export function validateRedirectUri(input: string): string {
  if (input === NO_REDIRECT) return input;
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    throw new Invalid(`Validation failed: Redirect URI "${input}" must be an absolute URI.`);
  }
  if (FORBIDDEN_SCHEMES.has(url.protocol)) throw new Invalid(`Validation failed: Redirect URI "${input}" uses a scheme that cannot be a redirect.`);
  if (url.hash) throw new Invalid(`Validation failed: Redirect URI "${input}" must not contain a fragment.`);
  return input;
}
