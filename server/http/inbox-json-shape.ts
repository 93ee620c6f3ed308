import { createMiddleware } from "hono/factory";

/**
 * Real activities nest a few levels (an activity, its object, a tag's icon) and list tens of things (tags,
 * addressees, poll options), never thousands. JSON-LD processing recurses once per level and costs far more
 * per item than JSON does (Fedify parses about 500 nested objects a second): a body nested 10,000 deep
 * exhausts the stack, and one listing 10,000 poll options or mentions would keep the event loop busy for
 * half a minute before any listener could bound it. Such bodies are refused with 400 before Fedify parses
 * them, and JSON-LD that Fedify cannot process (an unknown @version, a context that does not load) is a
 * 400 too, not a server error.
 */
export const INBOX_LIMITS = { maxNesting: 64, maxArrayItems: 500 } as const;

function isJsonLdError(error: unknown): boolean {
  return error instanceof Error && error.name.startsWith("jsonld.");
}

export interface JsonShape {
  /** How deeply objects and arrays nest. */
  depth: number;
  /** The most items any one array holds. */
  longestArray: number;
}

/** The shape of a JSON text, in one pass; brackets and commas inside strings do not count. */
export function jsonShape(text: string): JsonShape {
  // For each open bracket: -1 for an object, else the commas seen so far in that array.
  const open: number[] = [];
  let depth = 0;
  let longestArray = 0;
  let inString = false;
  for (let index = 0; index < text.length; index++) {
    const char = text.charCodeAt(index);
    if (inString) {
      if (char === 0x5c) index++; // a backslash escapes the next character
      else if (char === 0x22) inString = false;
      continue;
    }
    if (char === 0x22) inString = true;
    else if (char === 0x7b) open.push(-1);
    else if (char === 0x5b) open.push(0);
    else if (char === 0x2c && (open.at(-1) ?? -1) >= 0) open[open.length - 1] = (open.at(-1) ?? 0) + 1;
    else if (char === 0x7d || char === 0x5d) {
      const commas = open.pop() ?? -1;
      if (commas >= 0) longestArray = Math.max(longestArray, commas + 1);
    }
    depth = Math.max(depth, open.length);
  }
  return { depth, longestArray };
}

export function inboxJsonShapeLimit() {
  return createMiddleware(async (c, next) => {
    // The body is at most 1 MB here (inboxBodyLimit runs first), read once (inboxBodyReadOnce).
    const shape = jsonShape(await c.req.text());
    if (shape.depth > INBOX_LIMITS.maxNesting) return c.text(`The activity nests deeper than ${INBOX_LIMITS.maxNesting} levels.`, 400);
    if (shape.longestArray > INBOX_LIMITS.maxArrayItems) return c.text(`The activity lists more than ${INBOX_LIMITS.maxArrayItems} items in one place.`, 400);
    await next();
    // Fedify lets JSON-LD processing errors through; the app's error handler has answered 500 by now.
    if (isJsonLdError(c.error)) c.res = c.text("The activity is not valid JSON-LD.", 400);
  });
}
