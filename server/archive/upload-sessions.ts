import { randomBytes } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, readdir, readFile, rename, rm, stat, truncate, writeFile } from "node:fs/promises";
import { basename, join } from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import type { ImportMode } from "../core/archive/relation-import.ts";
import { Conflict, Forbidden, Invalid, NotFound } from "../core/errors.ts";
import { UserError } from "../user-error.ts";
import { tooLargeSentence, UploadTooLarge } from "./archive-upload.ts";

/**
 * Uploads of an archive in chunks, so that one cut off (a laptop asleep, a tunnel's hiccup, a page reloaded)
 * goes on from the bytes the server has instead of from zero. A session is two files under
 * <dataDir>/imports/uploads: `<id>.part`, the bytes received so far (its size is the offset, so what a cut-off
 * chunk brought before the cut is kept and counted), and `<id>.json`, what was asked. Files, not rows: the
 * bytes must be on disk anyway, and a session whose files are gone is simply one to start again.
 */

/** An 8 MiB chunk: a few seconds through a tunnel, so a cut costs little, and 256 requests for 2 GB. */
export const DEFAULT_UPLOAD_CHUNK_BYTES = 8 * 1024 * 1024;

/** An upload nobody added to for a day is abandoned: its bytes are removed. */
export const UPLOAD_SESSION_LIFETIME_MS = 24 * 60 * 60 * 1000;

export interface UploadSession {
  id: string;
  accountId: string;
  fileName: string;
  /** The whole file's size, said at the start. */
  size: number;
  mode: ImportMode;
  includeDirect: boolean;
  force: boolean;
  createdAt: string;
}

export interface UploadSessionState {
  session: UploadSession;
  /** The bytes received so far: where the next chunk must start. */
  offset: number;
}

/** A chunk sent at another offset than the session's (409): the offset it must be sent at. */
export class UploadOffsetConflict extends Conflict {
  override name = "UploadOffsetConflict";
  readonly offset: number;
  constructor(message: string, offset: number) {
    super(message);
    this.offset = offset;
  }
}

export interface NewUploadSession {
  fileName: string;
  size: number;
  mode: ImportMode;
  includeDirect: boolean;
  force: boolean;
}

export interface UploadSessions {
  /** The largest chunk one request may carry. */
  readonly chunkBytes: number;
  /** Starts a session; an account's unfinished one goes, since each account imports one file at a time. */
  create(accountId: string, upload: NewUploadSession): Promise<UploadSessionState>;
  /** The account's session and its offset; NotFound once finished or expired, Forbidden when it is another account's. */
  get(accountId: string, id: string): Promise<UploadSessionState>;
  /** Appends a chunk sent at `offset`; answers the new offset. */
  append(accountId: string, id: string, offset: number, body: WebReadableStream<Uint8Array> | null, declaredBytes?: number): Promise<UploadSessionState>;
  /** Takes a whole upload's file out of the session, into `to`; the session is gone afterwards. */
  takeWhole(accountId: string, id: string, to: string): Promise<UploadSession>;
  remove(accountId: string, id: string): Promise<void>;
  /** Removes sessions untouched for longer than their lifetime. */
  expire(): Promise<number>;
}

export interface UploadSessionsDependencies {
  dir: string;
  maxUploadBytes: number;
  chunkBytes?: number;
  lifetimeMs?: number;
  now?: () => Date;
}

const ID_SHAPE = /^[0-9a-f]{32}$/;

export function createUploadSessions(deps: UploadSessionsDependencies): UploadSessions {
  const now = deps.now ?? (() => new Date());
  const chunkBytes = deps.chunkBytes ?? DEFAULT_UPLOAD_CHUNK_BYTES;
  const lifetimeMs = deps.lifetimeMs ?? UPLOAD_SESSION_LIFETIME_MS;
  const partOf = (id: string) => join(deps.dir, `${id}.part`);
  const noteOf = (id: string) => join(deps.dir, `${id}.json`);
  // Chunks of one session arriving at once would interleave in its file: the second is refused while the first runs.
  const arriving = new Set<string>();

  const sizeOf = async (path: string) => (await stat(path).catch(() => undefined))?.size;

  const load = async (accountId: string, id: string): Promise<UploadSessionState> => {
    const gone = new NotFound("That upload is not here any more (finished, abandoned for a day, or never started); start it again.");
    if (!ID_SHAPE.test(id)) throw gone;
    const text = await readFile(noteOf(id), "utf8").catch(() => undefined);
    const offset = await sizeOf(partOf(id));
    if (text === undefined || offset === undefined) throw gone;
    const session = JSON.parse(text) as UploadSession;
    if (session.accountId !== accountId) throw new Forbidden("That upload is another account's.");
    return { session, offset };
  };

  const drop = (id: string) => Promise.all([rm(partOf(id), { force: true }), rm(noteOf(id), { force: true })]).then(() => undefined);

  const sessionsOf = async (): Promise<string[]> => {
    const names = await readdir(deps.dir).catch(() => [] as string[]);
    return [...new Set(names.map((name) => name.replace(/\.(part|json)$/, "")).filter((id) => ID_SHAPE.test(id)))];
  };

  const expire = async () => {
    let removed = 0;
    for (const id of await sessionsOf()) {
      if (arriving.has(id)) continue;
      const times = await Promise.all([partOf(id), noteOf(id)].map((path) => stat(path).then((info) => info.mtimeMs).catch(() => undefined)));
      const known = times.filter((time): time is number => time !== undefined);
      // A part without its note (or the reverse) was cut off between the two writes: never a session to resume.
      const isHalf = known.length < 2;
      if (isHalf || now().getTime() - Math.max(...known) > lifetimeMs) {
        await drop(id);
        removed += 1;
      }
    }
    return removed;
  };

  return {
    chunkBytes,

    async create(accountId, upload) {
      if (!Number.isSafeInteger(upload.size) || upload.size < 0) throw new Invalid("size must be the file's size in bytes.");
      if (upload.size === 0) throw new Invalid("The file is empty; there is nothing to import.");
      if (upload.size > deps.maxUploadBytes) throw new UploadTooLarge(tooLargeSentence(deps.maxUploadBytes));
      await mkdir(deps.dir, { recursive: true });
      await expire();
      for (const id of await sessionsOf()) {
        const text = await readFile(noteOf(id), "utf8").catch(() => undefined);
        if (text !== undefined && (JSON.parse(text) as UploadSession).accountId === accountId && !arriving.has(id)) await drop(id);
      }
      const session: UploadSession = {
        id: randomBytes(16).toString("hex"),
        accountId,
        fileName: basename(upload.fileName || "upload"),
        size: upload.size,
        mode: upload.mode,
        includeDirect: upload.includeDirect,
        force: upload.force,
        createdAt: now().toISOString(),
      };
      await writeFile(partOf(session.id), new Uint8Array(0), { flag: "wx" });
      await writeFile(noteOf(session.id), JSON.stringify(session));
      return { session, offset: 0 };
    },

    get: load,

    async append(accountId, id, offset, body, declaredBytes) {
      const { session, offset: current } = await load(accountId, id);
      if (arriving.has(id)) throw new UploadOffsetConflict("A chunk of this upload is still arriving; ask for its offset again in a moment.", current);
      if (offset !== current) throw new UploadOffsetConflict(`This upload has ${current} bytes; send the chunk that starts there.`, current);
      const room = Math.min(chunkBytes, session.size - current);
      const pastEnd = () =>
        new UploadTooLarge(
          room < chunkBytes
            ? `The chunk goes past the end of the file said at the start (${session.size} bytes); send at most ${room} bytes here.`
            : `A chunk may carry at most ${chunkBytes} bytes; send the file in smaller chunks.`,
        );
      if (declaredBytes !== undefined && declaredBytes > room) throw pastEnd();
      if (!body) throw new Invalid("No bytes were sent: the request's body is empty.");
      arriving.add(id);
      // Looked at again once claimed: another chunk may have ended between the first look and the claim.
      const claimed = await sizeOf(partOf(id));
      if (claimed !== current) {
        arriving.delete(id);
        throw new UploadOffsetConflict(`This upload has ${claimed ?? 0} bytes; send the chunk that starts there.`, claimed ?? 0);
      }
      let bytes = 0;
      const cap = new Transform({
        transform(chunk: Buffer, _encoding, done) {
          bytes += chunk.length;
          if (bytes > room) done(pastEnd());
          else done(null, chunk);
        },
      });
      try {
        await pipeline(Readable.fromWeb(body), cap, createWriteStream(partOf(id), { flags: "a" }));
      } catch (error) {
        // A chunk over its room is refused whole; a cut-off one keeps what came, which the next chunk follows.
        if (error instanceof UploadTooLarge) {
          await truncate(partOf(id), current);
          throw error;
        }
        const kept = (await sizeOf(partOf(id))) ?? current;
        throw new UserError(`The chunk was cut off (${(error as Error).message}); ${kept} bytes are kept, send the rest from there.`);
      } finally {
        arriving.delete(id);
      }
      return load(accountId, id);
    },

    async takeWhole(accountId, id, to) {
      const { session, offset } = await load(accountId, id);
      if (arriving.has(id) || offset !== session.size) {
        throw new UploadOffsetConflict(`This upload has ${offset} of its ${session.size} bytes; send the rest before finishing it.`, offset);
      }
      await rename(partOf(id), to);
      await rm(noteOf(id), { force: true });
      return session;
    },

    async remove(accountId, id) {
      await load(accountId, id);
      if (arriving.has(id)) throw new Conflict("A chunk of this upload is still arriving; stop it first.");
      await drop(id);
    },

    expire,
  };
}
