import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";

/**
 * Parameters with Rails' nested names, as Mastodon reads them: `source[privacy]=private`,
 * `fields_attributes[0][name]=Site`, `keywords_attributes[][keyword]=a&keywords_attributes[][whole_word]=0`.
 * Query string, form, multipart and JSON alike; the body wins over the query. Order matters for `[]` of
 * hashes (a repeated key starts the next hash), so the raw entries are read in order, never a grouped map.
 */

export type NestedParams = Record<string, unknown>;

/** name[a][][b] -> ["name", "a", "", "b"]; a name that is not bracketed is one segment. */
function segmentsOf(key: string): string[] {
  const match = /^([^[\]]+)((?:\[[^[\]]*\])*)$/.exec(key);
  if (!match?.[1]) return [key];
  const rest = [...(match[2] ?? "").matchAll(/\[([^[\]]*)\]/g)].map((part) => part[1] ?? "");
  return [match[1], ...rest];
}

function isHash(value: unknown): value is NestedParams {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof File);
}

/** Whether a hash already holds a value at a path (Rack's rule for when `[][key]` starts a new hash). */
function hasPath(hash: NestedParams, segments: readonly string[]): boolean {
  const [head, ...rest] = segments;
  if (head === undefined || !(head in hash)) return false;
  if (rest.length === 0 || rest[0] === "") return true;
  const child = hash[head];
  return isHash(child) && hasPath(child, rest);
}

function assign(target: NestedParams, segments: readonly string[], value: unknown): void {
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
      const fresh: NestedParams = {};
      assign(fresh, rest, value);
      list.push(fresh);
    }
    return;
  }
  const child = isHash(target[head]) ? (target[head] as NestedParams) : (target[head] = {});
  assign(child as NestedParams, [next, ...rest], value);
}

function fromEntries(entries: Iterable<[string, unknown]>, into: NestedParams = {}): NestedParams {
  for (const [key, value] of entries) assign(into, segmentsOf(key), value);
  return into;
}

export async function readNestedParams(c: Context): Promise<NestedParams> {
  const params = fromEntries(new URL(c.req.url).searchParams.entries());
  if (c.req.method === "GET" || c.req.method === "HEAD") return params;
  const type = c.req.header("content-type") ?? "";
  if (type.includes("application/json")) {
    let body: unknown;
    try {
      body = await c.req.json();
    } catch {
      throw new HTTPException(422, { message: "The request body is not valid JSON." });
    }
    if (!isHash(body)) throw new HTTPException(422, { message: "The request body must be a JSON object." });
    return { ...params, ...body };
  }
  if (type.includes("application/x-www-form-urlencoded") || type.includes("multipart/form-data")) {
    let form: FormData;
    try {
      form = await c.req.formData();
    } catch {
      throw new HTTPException(422, { message: "The request body is not a readable form." });
    }
    return fromEntries(form.entries(), params);
  }
  return params;
}

// Reading typed values out of nested parameters.

/** Text, or undefined when absent or empty (as Rails treats ""); numbers and booleans from JSON become text. */
export function nestedText(params: NestedParams, name: string): string | undefined {
  const value = params[name];
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return undefined;
}

/** Rails' boolean casting: "0", "f", "false", "off" (and false) are false; other present values true. */
export function nestedBoolean(params: NestedParams, name: string): boolean | undefined {
  const value = params[name];
  if (value === undefined || value === null || value === "") return undefined;
  if (typeof value === "boolean") return value;
  if (typeof value === "number") return value !== 0;
  if (typeof value === "string") return !["0", "f", "false", "off", "F", "FALSE", "False", "OFF"].includes(value);
  throw new HTTPException(422, { message: `${name} must be true or false.` });
}

export function nestedHash(params: NestedParams, name: string): NestedParams | undefined {
  const value = params[name];
  return isHash(value) ? value : undefined;
}

/**
 * A list given as an array, or as Rails' hash of indexes ({"0": {...}, "1": {...}}), in index order.
 */
export function nestedList(params: NestedParams, name: string): unknown[] | undefined {
  const value = params[name];
  if (value === undefined) return undefined;
  if (Array.isArray(value)) return value;
  if (isHash(value)) {
    return Object.entries(value)
      .sort(([a], [b]) => Number(a) - Number(b))
      .map(([, item]) => item);
  }
  throw new HTTPException(422, { message: `${name} must be a list.` });
}

/** A list of hashes (fields_attributes, keywords_attributes); anything else in it is refused. */
export function nestedHashList(params: NestedParams, name: string): NestedParams[] | undefined {
  const list = nestedList(params, name);
  if (list === undefined) return undefined;
  return list.map((item) => {
    if (!isHash(item)) throw new HTTPException(422, { message: `Each entry of ${name} must have named parts.` });
    return item;
  });
}

/** A list of texts (context[], account_ids[]); a single text is a list of one. */
export function nestedTextList(params: NestedParams, name: string): string[] | undefined {
  const value = params[name];
  if (value === undefined) return undefined;
  const list = Array.isArray(value) ? value : isHash(value) ? (nestedList(params, name) ?? []) : [value];
  return list.flatMap((item) => (typeof item === "string" ? (item === "" ? [] : [item]) : typeof item === "number" ? [String(item)] : []));
}

export function nestedFile(params: NestedParams, name: string): File | undefined {
  const value = params[name];
  return value instanceof File ? value : undefined;
}
