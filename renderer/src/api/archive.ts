import { ApiError, NetworkError, type ApiClient } from "./http.ts";

/** How an import or export ended (GET /api/hearth/archive's last_outcome). */
export interface ArchiveOutcome {
  kind: "import" | "export";
  file_name: string | null;
  finished_at: string;
  error: string | null;
  archive?: {
    account: string;
    total: number;
    imported: number;
    already_present: number;
    direct_left_out: number;
    boosts_skipped: number;
    media_imported: number;
    media_problems: Array<{ url: string; why: string }>;
    likes: { stored: number; unresolved: number };
    bookmarks: { stored: number; unresolved: number };
    stopped: boolean;
  };
  csv?: { type: string; mode: string; rows: number; imported: number; failures: Array<{ line: number; value: string; error: string }>; beyond_limit: number; removed: number };
  export?: { statuses: number; media_files: number; likes: number; bookmarks: number };
}

/** Where the signed-in account's own archive stands (GET /api/hearth/archive). */
export interface ArchiveState {
  running: { kind: "import" | "export"; started_at: string; file_name: string | null; step: string | null; done: number; total: number } | null;
  last_export: { file_name: string; bytes: number; created_at: string } | null;
  last_outcome: ArchiveOutcome | null;
}

export const getArchive = (api: ApiClient) => api.request<ArchiveState>("GET", "/api/hearth/archive");
export const startExport = (api: ApiClient) => api.request<ArchiveState>("POST", "/api/hearth/archive/export");

/**
 * A link the browser follows itself, so a download streams to disk instead of through the page's memory; a
 * link cannot carry the Authorization header, so the token goes as ?access_token=, as Mastodon accepts it.
 */
function withToken(api: ApiClient, path: string): string {
  return `${api.base}${path}${api.token ? `?access_token=${encodeURIComponent(api.token)}` : ""}`;
}

export const exportDownloadUrl = (api: ApiClient) => withToken(api, "/api/hearth/archive/export/download");
export const csvExportUrl = (api: ApiClient, kind: string) => withToken(api, `/api/v1/exports/${kind}.csv`);

export interface ImportChoices {
  mode: "merge" | "overwrite";
  includeDirect: boolean;
  /** Import an archive whose account has another name than this one. */
  force: boolean;
}

/**
 * Sends the file as the request's body, as it is read from disk. XMLHttpRequest, not fetch: only it tells how
 * much of an upload has gone, for the bar.
 */
export function uploadImport(api: ApiClient, file: File, choices: ImportChoices, onProgress: (sent: number, total: number) => void): Promise<ArchiveState> {
  const query = new URLSearchParams({ name: file.name, mode: choices.mode, include_direct: String(choices.includeDirect), force: String(choices.force) });
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open("POST", `${api.base}/api/hearth/archive/import?${query.toString()}`);
    if (api.token) request.setRequestHeader("Authorization", `Bearer ${api.token}`);
    request.setRequestHeader("Content-Type", "application/octet-stream");
    request.setRequestHeader("Accept", "application/json");
    request.upload.onprogress = (event) => onProgress(event.loaded, event.lengthComputable ? event.total : file.size);
    request.onerror = () => reject(new NetworkError());
    request.onload = () => {
      let body: unknown;
      try {
        body = JSON.parse(request.responseText);
      } catch {
        body = undefined;
      }
      if (request.status >= 200 && request.status < 300) return resolve(body as ArchiveState);
      const message = typeof (body as { error?: unknown } | undefined)?.error === "string" ? (body as { error: string }).error : `The server answered ${request.status}.`;
      reject(new ApiError(request.status, message));
    };
    request.send(file);
  });
}
