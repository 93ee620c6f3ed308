import type { Context } from "hono";
import { Invalid } from "../core/errors.ts";
import { isHash, readParams, type Params } from "./params.ts";

/**
 * What an endpoint takes from a request, declared once beside it and read in one call:
 *
 *   const Reblog = { visibility: presentText() };
 *   const { visibility } = await readInput(c, Reblog);   // typed: { visibility: string | undefined }
 *
 * Each field reads one parameter by its name (a few, such as paging, read several) from params.ts's query and
 * body. A value of the wrong shape is refused with an Invalid (422) whose sentence names the parameter; what a
 * parameter must mean (a visibility, a time) is for core to judge. The record a route's path names (`:id`) is
 * not input but the address of what the endpoint loads first: pathId reads it.
 */

/** How one parameter is read from the request's parameters, by its name. */
export type Field<T> = (params: Params, name: string) => T;
export type Shape = Record<string, Field<unknown>>;
export type Input<S extends Shape> = { [K in keyof S]: ReturnType<S[K]> };

export function readShape<S extends Shape>(params: Params, shape: S): Input<S> {
  const input: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(shape)) input[name] = field(params, name);
  return input as Input<S>;
}

/** The endpoint's declared input, read from the request's parameters. */
export async function readInput<S extends Shape>(c: Context, shape: S): Promise<Input<S>> {
  return readShape(await readParams(c), shape);
}

/** The record a route's path names (`:id`, `:account_id`), as idOf reads it. */
export function pathId(c: Context, name = "id"): string {
  const value = c.req.param(name);
  if (value === undefined) throw new Error(`The route has no path parameter :${name}.`);
  return idOf(value);
}

// The fields.

/** Text as sent, "" included; numbers and booleans from JSON become text; lists and hashes are absent. */
export function text(): Field<string | undefined> {
  return (params, name) => {
    const value = params[name];
    if (typeof value === "string") return value;
    if (typeof value === "number" || typeof value === "boolean") return String(value);
    return undefined;
  };
}

/** Text, where "" is absent as well (as Rails treats an empty parameter). */
export function presentText(): Field<string | undefined> {
  const read = text();
  return (params, name) => read(params, name) || undefined;
}

/** Text the endpoint cannot do without (trimmed first, when asked); its absence is refused with the endpoint's sentence. */
export function requiredText(refusal: string, options: { trim?: boolean } = {}): Field<string> {
  const read = text();
  return (params, name) => {
    const value = read(params, name);
    const given = options.trim ? value?.trim() : value;
    if (!given) throw new Invalid(refusal);
    return given;
  };
}

/** Rails' boolean casting: "0", "f", "false", "off" (and false) are false; other present values true. */
export function flag(): Field<boolean | undefined>;
export function flag(fallback: boolean): Field<boolean>;
export function flag(fallback?: boolean): Field<boolean | undefined> {
  return (params, name) => {
    const value = params[name];
    if (value === undefined || value === null || value === "") return fallback;
    if (typeof value === "boolean") return value;
    if (typeof value === "number") return value !== 0;
    if (typeof value === "string") return !["0", "f", "false", "off", "F", "FALSE", "False", "OFF"].includes(value);
    throw new Invalid(`${name} must be true or false.`);
  };
}

/** A list given as an array, or as Rails' hash of indexes ({"0": {...}, "1": {...}}), in index order. */
function listOf(params: Params, name: string): unknown[] | undefined {
  const value = params[name];
  if (value === undefined) return undefined;
  if (Array.isArray(value)) return value;
  if (isHash(value)) {
    return Object.entries(value)
      .sort(([a], [b]) => Number(a) - Number(b))
      .map(([, item]) => item);
  }
  throw new Invalid(`${name} must be a list.`);
}

/** A list of texts (context[], account_ids[]); a single text is a list of one, and "" is left out. */
export function readTextList(params: Params, name: string): string[] | undefined {
  const value = params[name];
  if (value === undefined) return undefined;
  const list = Array.isArray(value) ? value : isHash(value) ? (listOf(params, name) ?? []) : [value];
  return list.flatMap((item) => (typeof item === "string" ? (item === "" ? [] : [item]) : typeof item === "number" ? [String(item)] : []));
}

/** A list of hashes (fields_attributes, keywords_attributes), as sent; anything else in it is refused. */
export function readHashList(params: Params, name: string): Params[] | undefined {
  return listOf(params, name)?.map((item) => {
    if (!isHash(item)) throw new Invalid(`Each entry of ${name} must have named parts.`);
    return item;
  });
}

export function textList(): Field<string[] | undefined> {
  return readTextList;
}

const ID = /^\d{1,19}$/;

/** An id as a client sends it, in our 18-digit form; undefined when it cannot be one of ours. */
export function normaliseId(id: string | undefined): string | undefined {
  return id !== undefined && ID.test(id) ? id.padStart(18, "0") : undefined;
}

/** An id as a client sends it, in our 18-digit form; text that cannot be one of ours is kept, so it finds nothing. */
export function idOf(id: string): string {
  return normaliseId(id) ?? id;
}

/** The id of a record a parameter names, as idOf reads it; "" is absent. */
export function id(): Field<string | undefined> {
  const read = text();
  return (params, name) => {
    const value = read(params, name);
    return value ? idOf(value) : undefined;
  };
}

/** Ids of records, each as idOf reads it. */
export function idList(): Field<string[] | undefined> {
  const read = textList();
  return (params, name) => read(params, name)?.map(idOf);
}

/** One of a few words; anything else is refused with the endpoint's own sentence. */
export function oneOf<const T extends string>(words: readonly T[], refusal: (value: string) => string): Field<T | undefined> {
  const read = text();
  return (params, name) => {
    const value = read(params, name);
    if (value === undefined) return undefined;
    if (!(words as readonly string[]).includes(value)) throw new Invalid(refusal(value));
    return value as T;
  };
}

/** A hash of named parts (`poll[options][]`, `source[privacy]`), read with its own shape; anything else is absent. */
export function hash<S extends Shape>(shape: S): Field<Input<S> | undefined> {
  return (params, name) => {
    const value = params[name];
    return isHash(value) ? readShape(value, shape) : undefined;
  };
}

/** A list of hashes, each read with the shape. */
export function hashList<S extends Shape>(shape: S): Field<Input<S>[] | undefined> {
  return (params, name) => readHashList(params, name)?.map((entry) => readShape(entry, shape));
}

/** A field read only when the endpoint asks for it (a parameter that matters in one branch alone). */
export function later<T>(field: Field<T>): Field<() => T> {
  return (params, name) => () => field(params, name);
}

/**
 * A part an edit may clear: absent leaves it (undefined), empty or JSON null clears it (null), anything else is
 * read by the field.
 */
export function clearable<T>(field: Field<T>): Field<T | null | undefined> {
  return (params, name) => {
    if (!(name in params)) return undefined;
    const value = params[name];
    return value === null || value === "" ? null : field(params, name);
  };
}

/**
 * An uploaded file (multipart); undefined when absent or empty. Text where the file belongs (a file name or a
 * URL) is refused, unless the endpoint has always taken such text as absent (`textIsAbsent`).
 */
export function file(options: { textIsAbsent?: boolean } = {}): Field<File | undefined> {
  return (params, name) => {
    const value = params[name];
    if (value instanceof File) return value;
    if (value === undefined || value === "" || options.textIsAbsent) return undefined;
    throw new Invalid(`${name} must be sent as a file (multipart/form-data).`);
  };
}
