import type { ArchiveState, ImportChoices } from "./archive.ts";
import { ApiError, NetworkError, type ApiClient } from "./http.ts";

/** An upload on the server (/api/hearth/archive/uploads): where it stands and the largest chunk it takes. */
interface UploadEntity {
  id: string;
  size: number;
  offset: number;
  chunk_bytes: number;
}

/** What the page remembers of an unfinished upload, so the same file picked again goes on from the server's offset. */
interface RememberedUpload {
  id: string;
  choices: ImportChoices;
}

export interface UploadProgress {
  sent: number;
  total: number;
  /** Where this upload took up again from bytes the server already had; null for one started from zero. */
  resumedFrom: number | null;
}

export interface ChunkedUploadOptions {
  /** Where the unfinished upload's id is kept: localStorage, so a reload does not lose it. */
  store: Storage;
  /** The waits before asking again after a chunk was cut off; once they are spent, the upload stops and says so. */
  retryDelaysMs?: readonly number[];
}

/** A few seconds of a tunnel's hiccup, or a Wi-Fi change, are waited out; a laptop asleep is resumed by picking the file again. */
const RETRY_DELAYS_MS = [1_000, 2_000, 4_000, 8_000, 15_000];
/** 8 MiB, unless the server takes less. */
const CHUNK_BYTES = 8 * 1024 * 1024;

const UPLOADS = "/api/hearth/archive/uploads";

/** The file as the page can tell it again after a reload: its name, size and time of change. */
function keyOf(file: File): string {
  return `hearth.archive-upload:${file.name}:${file.size}:${file.lastModified}`;
}

function remembered(store: Storage, key: string): RememberedUpload | null {
  try {
    const value = JSON.parse(store.getItem(key) ?? "null") as RememberedUpload | null;
    return value && typeof value.id === "string" ? value : null;
  } catch {
    return null;
  }
}

const sameChoices = (a: ImportChoices, b: ImportChoices) => a.mode === b.mode && a.includeDirect === b.includeDirect && a.force === b.force;

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type ChunkAnswer = { kind: "taken"; offset: number } | { kind: "elsewhere"; offset: number } | { kind: "cut" } | { kind: "later"; ms: number };

/**
 * One chunk as a PATCH at its offset. XMLHttpRequest, not fetch: only it tells how much of an upload has gone,
 * for the bar.
 */
function sendChunk(api: ApiClient, id: string, offset: number, chunk: Blob, onSent: (sent: number) => void): Promise<ChunkAnswer> {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open("PATCH", `${api.base}${UPLOADS}/${encodeURIComponent(id)}?offset=${offset}`);
    if (api.token) request.setRequestHeader("Authorization", `Bearer ${api.token}`);
    request.setRequestHeader("Content-Type", "application/octet-stream");
    request.setRequestHeader("Accept", "application/json");
    request.upload.onprogress = (event) => onSent(event.loaded);
    request.onerror = () => resolve({ kind: "cut" });
    request.onabort = () => resolve({ kind: "cut" });
    request.onload = () => {
      let body: { offset?: unknown; error?: unknown } | undefined;
      try {
        body = JSON.parse(request.responseText) as typeof body;
      } catch {
        body = undefined;
      }
      const answered = typeof body?.offset === "number" ? body.offset : null;
      if (request.status === 200 && answered !== null) return resolve({ kind: "taken", offset: answered });
      if (request.status === 409 && answered !== null) return resolve({ kind: "elsewhere", offset: answered });
      // The tunnel is up but Hearth behind it is not (restarting): as good as cut off.
      if ([502, 503, 504].includes(request.status)) return resolve({ kind: "cut" });
      if (request.status === 429) return resolve({ kind: "later", ms: 1000 * Math.max(1, Number(request.getResponseHeader("Retry-After")) || 1) });
      reject(new ApiError(request.status, typeof body?.error === "string" ? body.error : `The server answered ${request.status}.`));
    };
    request.send(chunk);
  });
}

/** The upload this file was left at, if the server still has it and it was asked with the same choices. */
async function resumable(api: ApiClient, store: Storage, key: string, file: File, choices: ImportChoices): Promise<UploadEntity | null> {
  const known = remembered(store, key);
  if (!known) return null;
  try {
    const upload = await api.request<UploadEntity>("GET", `${UPLOADS}/${encodeURIComponent(known.id)}`);
    if (upload.size === file.size && sameChoices(known.choices, choices)) return upload;
    await api.request("DELETE", `${UPLOADS}/${encodeURIComponent(known.id)}`).catch(() => undefined);
  } catch (error) {
    // Finished, expired, or another account's: a new upload. Unreachable: nothing can be done now.
    if (!(error instanceof ApiError)) throw error;
  }
  store.removeItem(key);
  return null;
}

/**
 * Uploads the file for an import in chunks, each at the offset the server has. A chunk cut off is asked
 * about and sent again from the server's offset, after a short wait, a few times; past those, the upload
 * stops with a sentence, and picking the same file again (after a reload too) goes on from where it stopped.
 */
export async function uploadImport(
  api: ApiClient,
  file: File,
  choices: ImportChoices,
  onProgress: (progress: UploadProgress) => void,
  { store, retryDelaysMs = RETRY_DELAYS_MS }: ChunkedUploadOptions,
): Promise<ArchiveState> {
  const key = keyOf(file);
  let upload = await resumable(api, store, key, file, choices);
  const resumedFrom = upload && upload.offset > 0 ? upload.offset : null;
  if (!upload) {
    upload = await api.request<UploadEntity>("POST", UPLOADS, {
      json: { name: file.name, size: file.size, mode: choices.mode, include_direct: choices.includeDirect, force: choices.force },
    });
    store.setItem(key, JSON.stringify({ id: upload.id, choices } satisfies RememberedUpload));
  }
  try {
    await sendAll({ api, file, upload, resumedFrom, onProgress, retryDelaysMs });
    const state = await api.request<ArchiveState>("POST", `${UPLOADS}/${encodeURIComponent(upload.id)}/finish`);
    store.removeItem(key);
    return state;
  } catch (error) {
    // Gone (finished, expired), another account's, or refused whole: nothing to go on with next time.
    if (error instanceof ApiError && [403, 404, 413].includes(error.status)) store.removeItem(key);
    throw error;
  }
}

interface Sending {
  api: ApiClient;
  file: File;
  upload: UploadEntity;
  resumedFrom: number | null;
  onProgress: (progress: UploadProgress) => void;
  retryDelaysMs: readonly number[];
}

/** Sends the chunks from the upload's offset to the file's end. */
async function sendAll({ api, file, upload, resumedFrom, onProgress, retryDelaysMs }: Sending): Promise<void> {
  const { id } = upload;
  const chunkBytes = Math.min(CHUNK_BYTES, upload.chunk_bytes);
  let offset = upload.offset;
  let cuts = 0;
  onProgress({ sent: offset, total: file.size, resumedFrom });
  while (offset < file.size) {
    const start = offset;
    const answer = await sendChunk(api, id, start, file.slice(start, start + chunkBytes), (sent) => onProgress({ sent: start + sent, total: file.size, resumedFrom }));
    if (answer.kind === "taken" || answer.kind === "elsewhere") {
      if (answer.kind === "taken") cuts = 0;
      // A chunk the server said belonged elsewhere is sent again from its offset, after a moment, in case it was still receiving a cut one.
      else await wait(retryDelaysMs[0] ?? 0);
      offset = answer.offset;
    } else if (answer.kind === "later") {
      await wait(answer.ms);
    } else {
      const delay = retryDelaysMs[cuts];
      cuts += 1;
      if (delay === undefined) {
        throw new NetworkError("The upload was cut off and the server could not be reached again; pick the same file and import it again to go on from where it stopped.");
      }
      await wait(delay);
      const where = await api.request<UploadEntity>("GET", `${UPLOADS}/${encodeURIComponent(id)}`).catch((error: unknown) => {
        if (error instanceof ApiError) throw error;
        return null;
      });
      if (where) offset = where.offset;
    }
    onProgress({ sent: offset, total: file.size, resumedFrom });
  }
}
