import { parseLinkHeader, type PageLinks, type PageQuery } from "./link-header.ts";

/** The server answered, and said no: the message is Mastodon's `error` sentence, meant for the person. */
export class ApiError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.name = "ApiError";
    this.status = status;
  }
}

/** The server could not be reached at all: offline, or Hearth is not running. */
export class NetworkError extends Error {
  constructor(message = "The server cannot be reached.") {
    super(message);
    this.name = "NetworkError";
  }
}

export type QueryValue = string | number | boolean | undefined | null | readonly string[];
export type Query = Record<string, QueryValue>;

export interface RequestOptions {
  query?: Query;
  /** Sent as JSON. */
  json?: unknown;
  /** Sent as multipart (media, avatars). */
  form?: FormData;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** The browser's HTTP cache: "no-cache" asks the server even for an answer it allowed to be kept. */
  cache?: RequestCache;
}

export interface Page<T> extends PageLinks {
  items: T[];
}

export interface ApiClient {
  /** Where the API lives; "" for the origin this page came from. */
  readonly base: string;
  readonly token: string | null;
  request<T>(method: string, path: string, options?: RequestOptions): Promise<T>;
  page<T>(path: string, query?: Query | PageQuery, signal?: AbortSignal): Promise<Page<T>>;
}

export interface ClientOptions {
  base?: string;
  token?: string | null;
  /** Told after every request whether the server was reached, for the offline indicator. */
  onReachability?(reached: boolean): void;
  /** Told when the server refuses the token (401): the session is over. */
  onUnauthorized?(): void;
  fetch?: typeof fetch;
}

export function buildQuery(query: Query | PageQuery | undefined): string {
  if (!query) return "";
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null) continue;
    if (Array.isArray(value)) for (const item of value) search.append(`${key}[]`, item);
    else search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : "";
}

async function errorMessage(response: Response): Promise<string> {
  try {
    const body = (await response.json()) as { error?: unknown; error_description?: unknown };
    if (typeof body.error_description === "string") return body.error_description;
    if (typeof body.error === "string") return body.error;
  } catch {
    // Not JSON: a proxy's page, or nothing.
  }
  return `The server answered ${response.status}.`;
}

export function createApiClient(options: ClientOptions = {}): ApiClient {
  const base = options.base ?? "";
  const token = options.token ?? null;
  const doFetch = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));

  async function send(method: string, path: string, request: RequestOptions): Promise<Response> {
    const headers: Record<string, string> = { Accept: "application/json", ...request.headers };
    if (token) headers.Authorization = `Bearer ${token}`;
    let body: BodyInit | undefined;
    if (request.form) body = request.form;
    else if (request.json !== undefined) {
      headers["Content-Type"] = "application/json";
      body = JSON.stringify(request.json);
    }
    let response: Response;
    try {
      response = await doFetch(`${base}${path}${buildQuery(request.query)}`, { method, headers, body, signal: request.signal, cache: request.cache });
    } catch (error) {
      if ((error as Error).name === "AbortError") throw error;
      options.onReachability?.(false);
      throw new NetworkError();
    }
    // A gateway error means the tunnel is up but Hearth behind it is not: as good as unreachable.
    const reached = response.status !== 502 && response.status !== 503 && response.status !== 504;
    options.onReachability?.(reached);
    if (!reached) throw new NetworkError(`The server is not answering (${response.status}).`);
    if (response.status === 401 && token) options.onUnauthorized?.();
    if (!response.ok) throw new ApiError(response.status, await errorMessage(response));
    return response;
  }

  return {
    base,
    token,
    async request<T>(method: string, path: string, request: RequestOptions = {}): Promise<T> {
      const response = await send(method, path, request);
      const text = await response.text();
      return (text ? JSON.parse(text) : {}) as T;
    },
    async page<T>(path: string, query?: Query | PageQuery, signal?: AbortSignal): Promise<Page<T>> {
      const response = await send("GET", path, { query, signal });
      const items = (await response.json()) as T[];
      return { items, ...parseLinkHeader(response.headers.get("Link")) };
    },
  };
}
