import { availableParallelism } from "node:os";
import type { CoreContext } from "../core/context.ts";
import type { AccountRow } from "../core/rows.ts";
import {
  findImportedUris,
  importArchivedBatch,
  importArchivedInteractions,
  type ArchivedEntry,
  type ArchivedMedia,
} from "../core/archive/archived-statuses.ts";
import { inPool } from "../concurrency/in-pool.ts";
import { withRelaxedDurability } from "../db/durability.ts";
import { removeFiles } from "../media/attachment-files.ts";
import type { MediaStorage } from "../media/storage.ts";
import { UserError } from "../user-error.ts";
import { collectionItems, readJsonEntry } from "./archive-json.ts";
import { importAttachment, type MediaProblem } from "./archive-media.ts";
import { ARCHIVE_ZIP_LIMITS, openArchiveZip, type ArchiveZip, type ZipLimits } from "./archive-zip.ts";
import { readArchiveActor, readOutboxItem, type ArchiveActor, type OutboxBoost, type OutboxStatus } from "./outbox-entries.ts";

/** What a terminal (or the web client) shows while an import runs. */
export interface ImportProgress {
  phase(name: string, total: number): void;
  advance(count: number): void;
  end(): void;
}

export interface MastodonImportOptions {
  file: string;
  core: CoreContext;
  storage: MediaStorage;
  /** The local account the posts go to. */
  account: AccountRow;
  includeDirect: boolean;
  /** Import an archive whose account is not this one (another username, not listed as an alias). */
  force: boolean;
  /** Look up liked and bookmarked posts not stored here through the federation (only beside a running instance). */
  reachRemote?: boolean;
  limits?: ZipLimits;
  batchSize?: number;
  progress?: ImportProgress;
  /** Ctrl+C: the batch under way commits, then the import stops; running it again goes on from there. */
  signal?: AbortSignal;
}

export interface MastodonImportReport {
  archiveAccount: string;
  /** Posts and boosts in the outbox that this run was to bring in (direct messages only when asked). */
  total: number;
  imported: number;
  /** In already, from an earlier run. */
  alreadyPresent: number;
  directLeftOut: number;
  /** Boosts of posts not stored here: a boost row needs the boosted status's row. */
  boostsSkipped: number;
  /** Activities of kinds not kept (by type). */
  otherSkipped: Record<string, number>;
  mediaImported: number;
  mediaProblems: MediaProblem[];
  likes: { stored: number; unresolved: number };
  bookmarks: { stored: number; unresolved: number };
  /** True when the signal stopped the import before its end. */
  stopped: boolean;
}

const DEFAULT_BATCH = 200;
const INTERACTION_BATCH = 500;

function checkOwner(file: string, actor: ArchiveActor, account: AccountRow, force: boolean): void {
  const aliases = JSON.parse(account.also_known_as_json) as unknown;
  const isAlias = Array.isArray(aliases) && aliases.includes(actor.id);
  if (force || isAlias || actor.username.toLowerCase() === account.username.toLowerCase()) return;
  throw new UserError(
    `${file} is the archive of @${actor.username}@${actor.host}, not of @${account.username}: its posts would appear as @${account.username}'s. ` +
      `If that is what you want, run the import again with --force; nothing was imported.`,
  );
}

/** Reads the whole outbox once before writing anything, so a bad item refuses the archive rather than stopping half-way. */
async function surveyOutbox(archive: ArchiveZip, file: string, actor: ArchiveActor, includeDirect: boolean) {
  let total = 0;
  let directLeftOut = 0;
  const otherSkipped: Record<string, number> = {};
  let position = 0;
  for await (const value of collectionItems(archive, file, "outbox.json")) {
    const item = readOutboxItem(value, actor, ++position, { withContent: false });
    if (item.kind === "invalid") throw new UserError(`outbox.json in ${file} is not what Mastodon writes: ${item.why}; nothing was imported.`);
    if (item.kind === "other") otherSkipped[item.type] = (otherSkipped[item.type] ?? 0) + 1;
    else if (item.kind === "status" && item.visibility === "direct" && !includeDirect) directLeftOut++;
    else total++;
  }
  return { total, directLeftOut, otherSkipped };
}

async function surveyUris(archive: ArchiveZip, file: string, name: string): Promise<void> {
  let position = 0;
  for await (const value of collectionItems(archive, file, name)) {
    position++;
    if (typeof value !== "string") throw new UserError(`${name} in ${file} is not what Mastodon writes: item ${position} is not a post's id; nothing was imported.`);
  }
}

export async function importMastodonArchive(options: MastodonImportOptions): Promise<MastodonImportReport> {
  const { file, account } = options;
  const archive = await openArchiveZip(file, options.limits ?? ARCHIVE_ZIP_LIMITS);
  try {
    const actor = readArchiveActor(await readJsonEntry(archive, file, "actor.json"));
    if ("why" in actor) throw new UserError(`${file} is not a Mastodon archive: ${actor.why}; nothing was imported.`);
    if (!archive.entry("outbox.json")) throw new UserError(`${file} is not a Mastodon archive: it has no outbox.json; nothing was imported.`);
    checkOwner(file, actor, account, options.force);
    const survey = await surveyOutbox(archive, file, actor, options.includeDirect);
    for (const name of ["likes.json", "bookmarks.json"]) await surveyUris(archive, file, name);
    const report: MastodonImportReport = {
      archiveAccount: `@${actor.username}@${actor.host}`,
      total: survey.total,
      imported: 0,
      alreadyPresent: 0,
      directLeftOut: survey.directLeftOut,
      boostsSkipped: 0,
      otherSkipped: survey.otherSkipped,
      mediaImported: 0,
      mediaProblems: [],
      likes: { stored: 0, unresolved: 0 },
      bookmarks: { stored: 0, unresolved: 0 },
      stopped: false,
    };
    options.progress?.phase("posts", survey.total);
    report.stopped = !(await importOutbox(options, archive, actor, report));
    if (!report.stopped) {
      report.likes = await importInteractions(options, archive, "likes.json", "favourites");
      report.bookmarks = await importInteractions(options, archive, "bookmarks.json", "bookmarks");
    }
    options.progress?.end();
    return report;
  } finally {
    archive.close();
  }
}

/**
 * Returns false when the signal stopped it. Two batches are in flight at most: while one is stored (SQLite,
 * on this thread) the next one's media are processed (sharp, on libuv's threads), which is where an import
 * with pictures spends its time. Batches are stored in the archive's order, so a reply finds a parent from
 * an earlier batch.
 */
async function importOutbox(options: MastodonImportOptions, archive: ArchiveZip, actor: ArchiveActor, report: MastodonImportReport): Promise<boolean> {
  const batchSize = options.batchSize ?? DEFAULT_BATCH;
  let batch: Array<OutboxStatus | OutboxBoost> = [];
  let storing: Promise<void> | undefined;
  let position = 0;
  let flushed = 0;
  const flush = async (items: ReadonlyArray<OutboxStatus | OutboxBoost>) => {
    // As a one-batch-at-a-time import would: the first batch always commits, and a stop ends the import after
    // the batch under way (the one being stored), never before it.
    if (storing && options.signal?.aborted) {
      await storing;
      return false;
    }
    const prepared = prepareBatch(options, archive, items);
    // Awaited below, after the batch before it is stored; until then its failure must not count as unhandled.
    prepared.catch(() => undefined);
    try {
      await storing;
    } catch (error) {
      await discard(options.storage, prepared);
      throw error;
    }
    if (storing && options.signal?.aborted) {
      // Stopped after the batch before this one committed: this one's files have no rows to belong to.
      await discard(options.storage, prepared);
      return false;
    }
    flushed += items.length;
    const isLast = flushed >= report.total;
    storing = prepared.then((ready) => storeBatch(options, ready, report, isLast));
    storing.catch(() => undefined);
    return true;
  };
  for await (const value of collectionItems(archive, options.file, "outbox.json")) {
    const item = readOutboxItem(value, actor, ++position);
    if (item.kind !== "status" && item.kind !== "boost") continue;
    if (item.kind === "status" && item.visibility === "direct" && !options.includeDirect) continue;
    batch.push(item);
    if (batch.length >= batchSize) {
      if (!(await flush(batch))) return false;
      batch = [];
    }
  }
  if (batch.length > 0 && !(await flush(batch))) return false;
  await storing;
  return true;
}

/** A batch with its media processed and written, ready to be stored in one transaction. */
interface PreparedBatch {
  size: number;
  alreadyPresent: number;
  entries: ArchivedEntry[];
  mediaCount: number;
  problems: MediaProblem[];
  /** Every file written for the batch, to remove if it is not stored. */
  written: string[];
}

// sharp runs on libuv's pool (4 threads by default); more at once would only queue there.
const MEDIA_CONCURRENCY = Math.min(4, Math.max(2, availableParallelism()));

async function prepareBatch(options: MastodonImportOptions, archive: ArchiveZip, batch: ReadonlyArray<OutboxStatus | OutboxBoost>): Promise<PreparedBatch> {
  const { core, storage, account } = options;
  const present = await findImportedUris(core, account.id, batch.map((item) => item.importUri));
  const fresh = batch.filter((item) => !present.has(item.importUri));
  const prepared: PreparedBatch = { size: batch.length, alreadyPresent: batch.length - fresh.length, entries: [], mediaCount: 0, problems: [], written: [] };
  // Ids are taken in the archive's order before any file is processed, as a one-by-one import would take them.
  const jobs = fresh.flatMap((item, itemIndex) =>
    item.kind === "status"
      ? item.attachments.map((attachment) => ({ itemIndex, attachment, row: { id: core.ids.next(new Date(item.createdAt)), created_at: item.createdAt } }))
      : [],
  );
  const results: Array<ArchivedMedia | MediaProblem> = new Array(jobs.length);
  try {
    await inPool(jobs, MEDIA_CONCURRENCY, async (job, index) => {
      results[index] = await importAttachment(archive, storage, job.attachment, job.row, prepared.written);
    });
  } catch (error) {
    await removeFiles(storage, prepared.written);
    throw error;
  }
  const mediaOf = fresh.map((): ArchivedMedia[] => []);
  jobs.forEach((job, index) => {
    const result = results[index] as ArchivedMedia | MediaProblem;
    if ("processed" in result) mediaOf[job.itemIndex]?.push(result);
    else prepared.problems.push(result);
  });
  fresh.forEach((item, itemIndex) => {
    if (item.kind === "boost") {
      prepared.entries.push(item);
      return;
    }
    const media = mediaOf[itemIndex] ?? [];
    prepared.mediaCount += media.length;
    const { attachments: _attachments, ...status } = item;
    prepared.entries.push({ ...status, media });
  });
  return prepared;
}

/**
 * Every batch but the last commits without waiting for the disk (synchronous NORMAL; db/durability.ts): a
 * power cut may then lose the batches since the last durable commit, and running the import again stores them
 * again, as it skips what is in by the archive's ids. The last batch commits with FULL, which makes the ones
 * before it durable too (WAL frames survive only as a prefix of the commit order).
 */
async function storeBatch(options: MastodonImportOptions, prepared: PreparedBatch, report: MastodonImportReport, isLast: boolean): Promise<void> {
  try {
    const store = () => importArchivedBatch(options.core, options.account.id, prepared.entries);
    const result = await (isLast ? store() : withRelaxedDurability(store));
    report.imported += result.imported;
    report.alreadyPresent += prepared.alreadyPresent + result.present;
    report.boostsSkipped += result.boostsSkipped;
    report.mediaImported += prepared.mediaCount;
    report.mediaProblems.push(...prepared.problems);
  } catch (error) {
    // The batch rolled back: its files have no rows to belong to.
    await removeFiles(options.storage, prepared.written);
    throw error;
  }
  options.progress?.advance(prepared.size);
}

async function discard(storage: MediaStorage, prepared: Promise<PreparedBatch>): Promise<void> {
  const ready = await prepared.catch(() => undefined);
  if (ready) await removeFiles(storage, ready.written);
}

async function importInteractions(
  options: MastodonImportOptions,
  archive: ArchiveZip,
  name: string,
  kind: "favourites" | "bookmarks",
): Promise<{ stored: number; unresolved: number }> {
  const totals = { stored: 0, unresolved: 0 };
  let uris: string[] = [];
  const flush = async () => {
    if (options.reachRemote) await reachRemote(options.core, uris);
    const result = await importArchivedInteractions(options.core, options.account.id, kind, uris);
    totals.stored += result.stored;
    totals.unresolved += result.unresolved;
    uris = [];
  };
  for await (const value of collectionItems(archive, options.file, name)) {
    // Checked by surveyUris before anything was written.
    if (typeof value === "string") uris.push(value);
    if (uris.length >= INTERACTION_BATCH) await flush();
  }
  if (uris.length > 0) await flush();
  return totals;
}

/** Fetches the posts not stored here, one by one; one that does not answer stays unresolved. */
async function reachRemote(core: CoreContext, uris: readonly string[]): Promise<void> {
  const stored = await core.db.selectFrom("statuses").select("uri").where("uri", "in", uris).execute();
  const known = new Set(stored.map((row) => row.uri));
  for (const uri of uris) {
    if (known.has(uri)) continue;
    try {
      await core.ports.remote.resolveUrl(uri);
    } catch {
      // Gone or unreachable: counted as unresolved.
    }
  }
}
