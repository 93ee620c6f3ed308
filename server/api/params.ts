import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";

/** A request parameter as clients send it: text, several texts, or an uploaded file. */
export type ParamValue = string | File | Array<string | File>;
export type Params = Record<string, ParamValue | unknown>;

function jsonToParams(body: unknown): Params {
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    throw new HTTPException(422, { message: "The request body must be a JSON object." });
  }
  return body as Params;
}

/**
 * Mastodon accepts parameters as a query string, a form, multipart or JSON alike, and apps use all four;
 * the body wins over the query where both name a parameter. Rails-style `name[]` keys become `name`.
 */
export async function readParams(c: Context): Promise<Params> {
  const params: Params = {};
  for (const [key, values] of Object.entries(c.req.queries())) {
    params[key.replace(/\[\]$/, "")] = key.endsWith("[]") || values.length > 1 ? values : values[0];
  }
  if (c.req.method === "GET" || c.req.method === "HEAD") return params;
  const type = c.req.header("content-type") ?? "";
  if (type.includes("application/json")) {
    let body: unknown;
    try {
      body = await c.req.json();
    } catch {
      throw new HTTPException(422, { message: "The request body is not valid JSON." });
    }
    return { ...params, ...jsonToParams(body) };
  }
  if (type.includes("application/x-www-form-urlencoded") || type.includes("multipart/form-data")) {
    const body = await c.req.parseBody({ all: true });
    for (const [key, value] of Object.entries(body)) params[key.replace(/\[\]$/, "")] = value;
  }
  return params;
}

/** A single text parameter; an empty string counts as absent, as Rails treats it. */
export function textParam(params: Params, name: string): string | undefined {
  const value = params[name];
  const first = Array.isArray(value) ? value[0] : value;
  if (typeof first === "string") return first === "" ? undefined : first;
  if (typeof first === "number" || typeof first === "boolean") return String(first);
  return undefined;
}

/** A list of texts from `name[]=a&name[]=b`, a JSON array, or one value. */
export function textListParam(params: Params, name: string): string[] | undefined {
  const value = params[name];
  if (value === undefined) return undefined;
  const list = Array.isArray(value) ? value : [value];
  return list.filter((item): item is string => typeof item === "string" && item !== "");
}

/**
 * An uploaded file (multipart). Undefined when absent; a 422 when the parameter came as text, which is a
 * client sending a file name or a URL where the file belongs.
 */
export function fileParam(params: Params, name: string): File | undefined {
  const value = params[name];
  const first = Array.isArray(value) ? value[0] : value;
  if (first === undefined || first === "") return undefined;
  if (first instanceof File) return first;
  throw new HTTPException(422, { message: `${name} must be sent as a file (multipart/form-data).` });
}
