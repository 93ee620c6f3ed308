import type { Context } from "hono";
import { Invalid } from "../core/errors.ts";

/**
 * The one reader of a request's parameters. Mastodon (Rails) takes them from the query string, a form,
 * multipart or JSON alike, and apps use all four; the body wins over the query. Names nest as Rails nests them: `source[privacy]=private`,
 * `fields_attributes[0][name]=Site`, `keywords_attributes[][keyword]=a&keywords_attributes[][whole_word]=0`,
 * `name[]=a&name[]=b`. Order matters for `[]` of hashes (a repeated key starts the next hash), so the raw
 * entries are read in order, never a grouped map.
 *
 * What each endpoint takes from them, and in which shape, it declares with input.ts.
 */

/** Parameters as sent: text, files, lists and hashes of them (or whatever JSON the client sent). */
export type Params = Record<string, unknown>;

/** name[a][][b] -> ["name", "a", "", "b"]; a name that is not bracketed is one segment. */
function segmentsOf(key: string): string[] {
  // A name without a bracket is one segment whatever else it holds: nearly every name, and the expression's
  // matching showed in a fresh page's profile.
  if (!key.includes("[")) return [key];
  const match = /^([^[\]]+)((?:\[[^[\]]*\])*)$/.exec(key);
  if (!match?.[1]) return [key];
  const rest = [...(match[2] ?? "").matchAll(/\[([^[\]]*)\]/g)].map((part) => part[1] ?? "");
  return [match[1], ...rest];
}

/** A hash of named parts: what `name[part]` builds, or a JSON object. */
export function isHash(value: unknown): value is Params {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof File);
}

/** Whether a hash already holds a value at a path (Rack's rule for when `[][key]` starts a new hash). */
function hasPath(hash: Params, segments: readonly string[]): boolean {
  const [head, ...rest] = segments;
  if (head === undefined || !(head in hash)) return false;
  if (rest.length === 0 || rest[0] === "") return true;
  const child = hash[head];
  return isHash(child) && hasPath(child, rest);
}

function assign(target: Params, segments: readonly string[], value: unknown): void {
  const [head, next, ...rest] = segments;
  if (head === undefined) return;
  if (next === undefined) {
    target[head] = value;
    return;
  }
  if (next === "") {
    const list = Array.isArray(target[head]) ? (target[head] as unknown[]) : (target[head] = []);
    if (rest.length === 0) {
      (list as unknown[]).push(value);
      return;
    }
    const last = list.at(-1);
    if (isHash(last) && !hasPath(last, rest)) assign(last, rest, value);
    else {
      const fresh: Params = {};
      assign(fresh, rest, value);
      list.push(fresh);
    }
    return;
  }
  const child = isHash(target[head]) ? (target[head] as Params) : (target[head] = {});
  assign(child as Params, [next, ...rest], value);
}

/**
 * A file part with no file name is an empty file input (browsers send one for every file field left empty,
 * and Phanpy sends avatar and header with every profile edit): Rack drops such parts before Mastodon sees
 * them, so they count as not sent.
 */
function isEmptyFileInput(value: unknown): boolean {
  return value instanceof File && value.name === "";
}

function fromEntries(entries: Iterable<[string, unknown]>, into: Params = {}): Params {
  for (const [key, value] of entries) if (!isEmptyFileInput(value)) assign(into, segmentsOf(key), value);
  return into;
}

async function readBody(c: Context, query: Params): Promise<Params> {
  const type = c.req.header("content-type") ?? "";
  if (type.includes("application/json")) {
    let body: unknown;
    try {
      body = await c.req.json();
    } catch {
      throw new Invalid("The request body is not valid JSON.");
    }
    if (!isHash(body)) throw new Invalid("The request body must be a JSON object.");
    return { ...query, ...body };
  }
  if (type.includes("application/x-www-form-urlencoded") || type.includes("multipart/form-data")) {
    let form: FormData;
    try {
      form = await c.req.formData();
    } catch {
      throw new Invalid("The request body is not a readable form.");
    }
    return fromEntries(form.entries(), query);
  }
  return query;
}

/** The request's parameters: the query string, and over it the body (not for GET and HEAD). */
export async function readParams(c: Context): Promise<Params> {
  const query = fromEntries(new URL(c.req.url).searchParams.entries());
  return c.req.method === "GET" || c.req.method === "HEAD" ? query : readBody(c, query);
}
