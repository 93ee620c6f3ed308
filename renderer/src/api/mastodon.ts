import type { ApiClient, Page, Query } from "./http.ts";
import type { PageQuery } from "./link-header.ts";
import type {
  Account,
  CredentialAccount,
  Instance,
  List,
  MediaAttachment,
  Notification,
  Poll,
  Relationship,
  SearchResults,
  Status,
  StatusContext,
  StatusSource,
  Tag,
  Visibility,
} from "./entities.ts";

/** The Mastodon client API endpoints the UI calls, one function each, typed by the documented entities. */

export type TimelineKind = { kind: "home" } | { kind: "local" } | { kind: "federated" } | { kind: "tag"; tag: string } | { kind: "list"; id: string };

export function timelinePage(api: ApiClient, timeline: TimelineKind, query: PageQuery = {}, signal?: AbortSignal): Promise<Page<Status>> {
  const q: Query = { limit: "20", ...query };
  switch (timeline.kind) {
    case "home":
      return api.page<Status>("/api/v1/timelines/home", q, signal);
    case "local":
      return api.page<Status>("/api/v1/timelines/public", { ...q, local: "true" }, signal);
    case "federated":
      return api.page<Status>("/api/v1/timelines/public", q, signal);
    case "tag":
      return api.page<Status>(`/api/v1/timelines/tag/${encodeURIComponent(timeline.tag)}`, q, signal);
    case "list":
      return api.page<Status>(`/api/v1/timelines/list/${encodeURIComponent(timeline.id)}`, q, signal);
  }
}

// The server lets browsers keep this a minute; the client asks afresh, since the address in it can change (a tunnel).
export const getInstance = (api: ApiClient) => api.request<Instance>("GET", "/api/v2/instance", { cache: "no-cache" });
export const verifyCredentials = (api: ApiClient) => api.request<CredentialAccount>("GET", "/api/v1/accounts/verify_credentials");

export interface NewStatus {
  status: string;
  spoiler_text?: string;
  sensitive?: boolean;
  visibility?: Visibility;
  language?: string;
  in_reply_to_id?: string;
  media_ids?: string[];
  /** Alt text changed while editing goes with the edit (Mastodon 4.1+). */
  media_attributes?: Array<{ id: string; description: string }>;
  poll?: { options: string[]; expires_in: number; multiple?: boolean };
  quoted_status_id?: string;
}

export function postStatus(api: ApiClient, status: NewStatus, idempotencyKey?: string): Promise<Status> {
  return api.request<Status>("POST", "/api/v1/statuses", {
    json: status,
    headers: idempotencyKey ? { "Idempotency-Key": idempotencyKey } : undefined,
  });
}

export const editStatus = (api: ApiClient, id: string, status: NewStatus) =>
  api.request<Status>("PUT", `/api/v1/statuses/${encodeURIComponent(id)}`, { json: status });
export const deleteStatus = (api: ApiClient, id: string) => api.request<Status>("DELETE", `/api/v1/statuses/${encodeURIComponent(id)}`);
export const getStatus = (api: ApiClient, id: string) => api.request<Status>("GET", `/api/v1/statuses/${encodeURIComponent(id)}`);
export const getStatusSource = (api: ApiClient, id: string) => api.request<StatusSource>("GET", `/api/v1/statuses/${encodeURIComponent(id)}/source`);
export const getStatusContext = (api: ApiClient, id: string) =>
  api.request<StatusContext>("GET", `/api/v1/statuses/${encodeURIComponent(id)}/context`);

export type StatusAction = "favourite" | "unfavourite" | "reblog" | "unreblog" | "bookmark" | "unbookmark";

export const actOnStatus = (api: ApiClient, id: string, action: StatusAction) =>
  api.request<Status>("POST", `/api/v1/statuses/${encodeURIComponent(id)}/${action}`);

export const votePoll = (api: ApiClient, pollId: string, choices: number[]) =>
  api.request<Poll>("POST", `/api/v1/polls/${encodeURIComponent(pollId)}/votes`, { json: { choices } });

export function uploadMedia(api: ApiClient, file: File, description: string): Promise<MediaAttachment> {
  const form = new FormData();
  form.set("file", file);
  if (description) form.set("description", description);
  return api.request<MediaAttachment>("POST", "/api/v2/media", { form });
}

/**
 * Uploads, then waits while the server processes the file (Mastodon answers 202 with no url yet, and a
 * post that names the media before it is ready is refused).
 */
export async function uploadMediaAndWait(api: ApiClient, file: File, description: string, pollMs = 500, timeoutMs = 60_000): Promise<MediaAttachment> {
  let media = await uploadMedia(api, file, description);
  const deadline = Date.now() + timeoutMs;
  while (media.url === null && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, pollMs));
    media = await getMedia(api, media.id);
  }
  return media;
}

export const updateMedia = (api: ApiClient, id: string, description: string) =>
  api.request<MediaAttachment>("PUT", `/api/v1/media/${encodeURIComponent(id)}`, { json: { description } });
export const getMedia = (api: ApiClient, id: string) => api.request<MediaAttachment>("GET", `/api/v1/media/${encodeURIComponent(id)}`);

export const notificationsPage = (api: ApiClient, query: PageQuery = {}, signal?: AbortSignal) =>
  api.page<Notification>("/api/v1/notifications", { limit: "30", ...query }, signal);

export const getAccount = (api: ApiClient, id: string) => api.request<Account>("GET", `/api/v1/accounts/${encodeURIComponent(id)}`);
export const lookupAccount = (api: ApiClient, acct: string) => api.request<Account>("GET", "/api/v1/accounts/lookup", { query: { acct } });
export const accountStatusesPage = (api: ApiClient, id: string, query: PageQuery = {}, signal?: AbortSignal) =>
  api.page<Status>(`/api/v1/accounts/${encodeURIComponent(id)}/statuses`, { limit: "20", ...query }, signal);

export async function getRelationship(api: ApiClient, id: string): Promise<Relationship | undefined> {
  const list = await api.request<Relationship[]>("GET", "/api/v1/accounts/relationships", { query: { id: [id] } });
  return list[0];
}

export type AccountAction = "follow" | "unfollow" | "block" | "unblock" | "mute" | "unmute";

export const actOnAccount = (api: ApiClient, id: string, action: AccountAction) =>
  api.request<Relationship>("POST", `/api/v1/accounts/${encodeURIComponent(id)}/${action}`);

export const followRequestsPage = (api: ApiClient) => api.page<Account>("/api/v1/follow_requests");
export const answerFollowRequest = (api: ApiClient, accountId: string, answer: "authorize" | "reject") =>
  api.request<Relationship>("POST", `/api/v1/follow_requests/${encodeURIComponent(accountId)}/${answer}`);

/** resolve=true asks the server to look a handle or URL up on other servers (WebFinger). */
export const search = (api: ApiClient, q: string, signal?: AbortSignal) =>
  api.request<SearchResults>("GET", "/api/v2/search", { query: { q, resolve: "true", limit: "20" }, signal });

export const getLists = (api: ApiClient) => api.request<List[]>("GET", "/api/v1/lists");
export const getList = (api: ApiClient, id: string) => api.request<List>("GET", `/api/v1/lists/${encodeURIComponent(id)}`);
export const createList = (api: ApiClient, title: string) => api.request<List>("POST", "/api/v1/lists", { json: { title } });
export const deleteList = (api: ApiClient, id: string) => api.request("DELETE", `/api/v1/lists/${encodeURIComponent(id)}`);
export const listAccounts = (api: ApiClient, id: string) => api.page<Account>(`/api/v1/lists/${encodeURIComponent(id)}/accounts`, { limit: "0" });
export const addToList = (api: ApiClient, id: string, accountId: string) =>
  api.request("POST", `/api/v1/lists/${encodeURIComponent(id)}/accounts`, { json: { account_ids: [accountId] } });
export const removeFromList = (api: ApiClient, id: string, accountId: string) =>
  api.request("DELETE", `/api/v1/lists/${encodeURIComponent(id)}/accounts`, { json: { account_ids: [accountId] } });
/** People the reader follows whose names match: the candidates for a list. */
export const searchFollowing = (api: ApiClient, q: string) =>
  api.request<Account[]>("GET", "/api/v1/accounts/search", { query: { q, following: "true", limit: "8", resolve: "false" } });

export const getTag = (api: ApiClient, name: string) => api.request<Tag>("GET", `/api/v1/tags/${encodeURIComponent(name)}`);
export const followTag = (api: ApiClient, name: string, follow: boolean) =>
  api.request<Tag>("POST", `/api/v1/tags/${encodeURIComponent(name)}/${follow ? "follow" : "unfollow"}`);

export const bookmarksPage = (api: ApiClient, query: PageQuery = {}) => api.page<Status>("/api/v1/bookmarks", { limit: "20", ...query });
export const favouritesPage = (api: ApiClient, query: PageQuery = {}) => api.page<Status>("/api/v1/favourites", { limit: "20", ...query });

export interface ProfileChange {
  display_name?: string;
  note?: string;
  locked?: boolean;
  fields?: Array<{ name: string; value: string }>;
  avatar?: File;
  header?: File;
}

/** PATCH update_credentials as multipart, the only form that carries images (and what Mastodon's web client sends). */
export function updateCredentials(api: ApiClient, change: ProfileChange): Promise<CredentialAccount> {
  const form = new FormData();
  if (change.display_name !== undefined) form.set("display_name", change.display_name);
  if (change.note !== undefined) form.set("note", change.note);
  if (change.locked !== undefined) form.set("locked", String(change.locked));
  if (change.avatar) form.set("avatar", change.avatar);
  if (change.header) form.set("header", change.header);
  change.fields?.forEach((field, index) => {
    form.set(`fields_attributes[${index}][name]`, field.name);
    form.set(`fields_attributes[${index}][value]`, field.value);
  });
  return api.request<CredentialAccount>("PATCH", "/api/v1/accounts/update_credentials", { form });
}

/** POST /api/v1/accounts/alias: replaces the aliases (handles or URLs); an empty list clears them. */
export function setAliases(api: ApiClient, addresses: readonly string[]): Promise<CredentialAccount> {
  return api.request<CredentialAccount>("POST", "/api/v1/accounts/alias", { json: { also_known_as_uris: addresses } });
}

/** POST /api/v1/accounts/move: moves this account to another that lists it as an alias. */
export function moveAccount(api: ApiClient, movedToUri: string, password: string): Promise<CredentialAccount> {
  return api.request<CredentialAccount>("POST", "/api/v1/accounts/move", { json: { moved_to_uri: movedToUri, password } });
}

/** DELETE /api/v1/accounts/move: undoes the move (the account is usable again; followers stay where they went). */
export function cancelMove(api: ApiClient): Promise<CredentialAccount> {
  return api.request<CredentialAccount>("DELETE", "/api/v1/accounts/move");
}
