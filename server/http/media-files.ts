import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { Readable } from "node:stream";
import { Hono, type Context } from "hono";
import { MEDIA_URL_PREFIX } from "../core/media/media.ts";
import { contentTypeForStoredFile } from "../media/media-types.ts";
import type { MediaStorage } from "../media/storage.ts";

/**
 * GET /media/<path>: the stored files. Their names are never reused (each holds a random part), so they are
 * cached for a year; video and audio players seek with Range requests.
 */

const CACHE_FOREVER = "public, max-age=31536000, immutable";

/** The path after /media/ as stored names are written, or undefined for anything odd (encoded slashes, dots). */
function relativePathOf(requestUrl: string): string | undefined {
  const pathname = new URL(requestUrl).pathname;
  if (!pathname.startsWith(MEDIA_URL_PREFIX)) return undefined;
  try {
    const segments = pathname.slice(MEDIA_URL_PREFIX.length).split("/").map((segment) => decodeURIComponent(segment));
    // A "/" that arrived as %2F is not a folder separator; such a name was never written.
    if (segments.some((segment) => segment.includes("/"))) return undefined;
    return segments.join("/");
  } catch {
    return undefined;
  }
}

interface ByteRange {
  start: number;
  end: number;
}

/**
 * One range of `bytes=` (RFC 9110 §14.1.2): "a-b", "a-", or "-n". Several ranges are answered with the whole
 * file, which the RFC allows; undefined means none was asked, "unsatisfiable" a range past the end.
 */
export function parseRange(header: string | undefined, size: number): ByteRange | "unsatisfiable" | undefined {
  if (!header) return undefined;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match) return undefined;
  const [, first = "", last = ""] = match;
  if (first === "" && last === "") return undefined;
  if (first === "") {
    const suffix = Number(last);
    if (suffix === 0 || size === 0) return "unsatisfiable";
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  const end = last === "" ? size - 1 : Math.min(Number(last), size - 1);
  if (start >= size || end < start) return "unsatisfiable";
  return { start, end };
}

function etagOf(size: number, modifiedMs: number): string {
  return `"${size.toString(16)}-${Math.floor(modifiedMs).toString(16)}"`;
}

function matchesEtag(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(",").some((candidate) => {
    const tag = candidate.trim().replace(/^W\//, "");
    return tag === "*" || tag === etag;
  });
}

async function serveFile(c: Context, storage: MediaStorage): Promise<Response> {
  const relativePath = relativePathOf(c.req.url);
  const path = relativePath === undefined ? undefined : storage.resolve(relativePath);
  const contentType = relativePath === undefined ? undefined : contentTypeForStoredFile(relativePath);
  if (!path || !contentType) return c.notFound();
  const stats = await stat(path).catch(() => undefined);
  if (!stats?.isFile()) return c.notFound();

  const etag = etagOf(stats.size, stats.mtimeMs);
  const headers = new Headers({
    "Content-Type": contentType,
    "Cache-Control": CACHE_FOREVER,
    ETag: etag,
    "Last-Modified": stats.mtime.toUTCString(),
    "Accept-Ranges": "bytes",
    // Only types we sniffed and wrote are served, and browsers must not guess otherwise.
    "X-Content-Type-Options": "nosniff",
    // Web clients on other origins draw media into canvases (blurhash, editors).
    "Access-Control-Allow-Origin": "*",
  });
  if (matchesEtag(c.req.header("if-none-match"), etag)) return new Response(null, { status: 304, headers });

  // If-Range: a range of this version only; a changed file is sent whole.
  const ifRange = c.req.header("if-range");
  const range = ifRange === undefined || ifRange === etag ? parseRange(c.req.header("range"), stats.size) : undefined;
  if (range === "unsatisfiable") {
    headers.set("Content-Range", `bytes */${stats.size}`);
    return new Response(null, { status: 416, headers });
  }
  const { start, end } = range ?? { start: 0, end: stats.size - 1 };
  headers.set("Content-Length", String(Math.max(0, end - start + 1)));
  if (range) headers.set("Content-Range", `bytes ${start}-${end}/${stats.size}`);
  const status = range ? 206 : 200;
  if (c.req.method === "HEAD" || stats.size === 0) return new Response(null, { status, headers });
  const stream = Readable.toWeb(createReadStream(path, { start, end })) as ReadableStream<Uint8Array>;
  return new Response(stream, { status, headers });
}

export function mediaFileRoutes(storage: MediaStorage): Hono {
  const routes = new Hono();
  routes.on(["GET", "HEAD"], "/*", (c) => serveFile(c, storage));
  routes.all("/*", (c) => c.notFound());
  return routes;
}
