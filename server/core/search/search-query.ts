import { Invalid } from "../errors.ts";

/**
 * Mastodon's search operators (app/lib/search_query_parser.rb and search_query_transformer.rb), read from
 * what a person types into the search box:
 *
 *   word            a word the status must contain (+word too)
 *   -word           a word it must not contain
 *   "some words"    a phrase, the words together in that order (-"some words" excludes it)
 *   from:me  from:name  from:@name@domain   by that account (-from: by anyone else)
 *   has:media|image|video|audio|poll|link|embed   and is:reply|sensitive (both take any property, as
 *                   Mastodon's `properties` field does), each negatable with a leading -
 *   language:xx     written in that language
 *   before:/after:/during:YYYY-MM-DD   the day as a whole: before it, after it, on it
 *   in:library|public|all              which statuses are searched (see StatusScope)
 *
 * A prefix that is not one of these is no operator: `foo:bar` is searched as the word it is, as Mastodon
 * does. The grammar is read in one pass with no backtracking, so any input, however long or odd, costs time
 * in proportion to its length; an unmatched quote is taken as an ordinary character.
 */

export type StatusProperty = "media" | "image" | "video" | "audio" | "poll" | "link" | "embed" | "reply" | "sensitive";

/** in:library is Mastodon's StatusesIndex, in:public its PublicStatusesIndex; all is everything the viewer may see. */
export type StatusScope = "all" | "library" | "public";

export interface SearchText {
  text: string;
  /** Written in quotes: the words together, in order. */
  isPhrase: boolean;
}

export interface Negatable<T> {
  value: T;
  isNegated: boolean;
}

export interface DateBound {
  kind: "before" | "after" | "during";
  /** YYYY-MM-DD. */
  day: string;
  isNegated: boolean;
}

export interface SearchQuery {
  /** What each status must contain. */
  include: SearchText[];
  /** What no status may contain. */
  exclude: SearchText[];
  /** `me`, `name` or `name@domain`, without a leading @. */
  from: Negatable<string>[];
  properties: Negatable<StatusProperty>[];
  /** Lower-cased ISO 639 codes, without a region. */
  languages: Negatable<string>[];
  dates: DateBound[];
  scope: StatusScope;
}

const PROPERTIES: readonly StatusProperty[] = ["media", "image", "video", "audio", "poll", "link", "embed", "reply", "sensitive"];
const SCOPES: readonly StatusScope[] = ["all", "library", "public"];
const PREFIXES = new Set(["from", "has", "is", "language", "before", "after", "during", "in"]);

/** More clauses than anyone types; past it the input is a paste or an attack, and each clause costs a join. */
export const MAX_CLAUSES = 32;

interface Clause {
  operator: "+" | "-" | null;
  prefix: string | null;
  value: string;
  isPhrase: boolean;
}

/** Splits the input into clauses: [+-]? (prefix:)? ("phrase" | term), separated by whitespace. */
function readClauses(input: string): Clause[] {
  const clauses: Clause[] = [];
  let position = 0;
  const isSpace = (character: string | undefined) => character !== undefined && /\s/.test(character);
  while (position < input.length) {
    while (isSpace(input[position])) position++;
    if (position >= input.length) break;
    const start = position;
    let operator: Clause["operator"] = null;
    if ((input[position] === "+" || input[position] === "-") && position + 1 < input.length && !isSpace(input[position + 1])) {
      operator = input[position] as "+" | "-";
      position++;
    }
    let prefix: string | null = null;
    // A prefix is letters then a colon; looking no further than the letters keeps each character read a
    // bounded number of times (a search for the colon to the end of each token would not).
    let colon = position;
    while (colon < input.length && /[a-z]/i.test(input[colon] ?? "")) colon++;
    if (colon > position && input[colon] === ":") {
      const name = input.slice(position, colon).toLowerCase();
      const next = input[colon + 1];
      if (PREFIXES.has(name) && next !== undefined && !isSpace(next)) {
        prefix = name;
        position = colon + 1;
      }
    }
    if (input[position] === '"') {
      const close = input.indexOf('"', position + 1);
      if (close !== -1) {
        clauses.push({ operator, prefix, value: input.slice(position + 1, close), isPhrase: true });
        position = close + 1;
        continue;
      }
    }
    let end = position;
    while (end < input.length && !isSpace(input[end])) end++;
    // A term runs to the next space; its quotes are characters of it (an unmatched quote, or one mid-word).
    const value = input.slice(position, end);
    position = end;
    if (prefix === null && operator === null) clauses.push({ operator, prefix, value, isPhrase: false });
    else if (value !== "") clauses.push({ operator, prefix, value, isPhrase: false });
    else clauses.push({ operator: null, prefix: null, value: input.slice(start, end), isPhrase: false });
  }
  return clauses;
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

function validDay(value: string, prefix: string): string {
  const match = DAY.exec(value);
  const date = match ? new Date(`${value}T00:00:00.000Z`) : undefined;
  if (!date || Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== value) {
    throw new Invalid(`${prefix}: takes a day as YYYY-MM-DD, such as ${prefix}:2024-05-31, not "${value}".`);
  }
  return value;
}

/** A person's words for a language, as Mastodon's language_code_from_term reads them: `EN`, `en-GB` and `en_GB` are en. */
function languageCode(value: string): string {
  return value.split(/[-_]/)[0]?.toLowerCase() ?? value.toLowerCase();
}

/** Text that has no letter or digit matches nothing in either index; it is no condition at all. */
function hasWordCharacter(text: string): boolean {
  return /[\p{L}\p{N}]/u.test(text);
}

/** Reads a search box's input. Throws Invalid for an operator given a value it cannot take. */
export function parseSearchQuery(input: string): SearchQuery {
  const query: SearchQuery = { include: [], exclude: [], from: [], properties: [], languages: [], dates: [], scope: "all" };
  const clauses = readClauses(input).filter((clause) => clause.prefix !== null || hasWordCharacter(clause.value));
  if (clauses.length > MAX_CLAUSES) throw new Invalid(`A search takes at most ${MAX_CLAUSES} words and operators; this one has ${clauses.length}.`);
  for (const clause of clauses) {
    const isNegated = clause.operator === "-";
    switch (clause.prefix) {
      case null: {
        (isNegated ? query.exclude : query.include).push({ text: clause.value, isPhrase: clause.isPhrase });
        break;
      }
      case "from":
        query.from.push({ value: clause.value.replace(/^@/, "").toLowerCase(), isNegated });
        break;
      case "has":
      case "is": {
        const value = clause.value.toLowerCase() as StatusProperty;
        if (!PROPERTIES.includes(value)) throw new Invalid(`${clause.prefix}: takes one of ${PROPERTIES.join(", ")}, not "${clause.value}".`);
        query.properties.push({ value, isNegated });
        break;
      }
      case "language":
        query.languages.push({ value: languageCode(clause.value), isNegated });
        break;
      case "before":
      case "after":
      case "during":
        query.dates.push({ kind: clause.prefix, day: validDay(clause.value, clause.prefix), isNegated });
        break;
      case "in": {
        const value = clause.value.toLowerCase() as StatusScope;
        if (!SCOPES.includes(value)) throw new Invalid(`in: takes one of ${SCOPES.join(", ")}, not "${clause.value}".`);
        query.scope = value;
        break;
      }
    }
  }
  return query;
}

/** Whether the input was more than words: operators, phrases or exclusions. */
export function hasOperators(query: SearchQuery): boolean {
  return (
    query.exclude.length > 0 ||
    query.include.some((text) => text.isPhrase) ||
    query.from.length + query.properties.length + query.languages.length + query.dates.length > 0 ||
    query.scope !== "all"
  );
}

/** The words of a query without its operators, for what operators do not apply to (accounts, hashtags). */
export function plainWords(query: SearchQuery): string {
  return query.include.map((text) => text.text).join(" ");
}
