import type { ApiClient } from "./http.ts";

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
