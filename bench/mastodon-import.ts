// Import of a generated Mastodon archive: BENCH_IMPORT_POSTS posts (100,000 by default; every twentieth a
// reply to the one before), BENCH_IMPORT_MEDIA of them with a picture (5,000), through the same code as
// `hearth import` (in this process, on a fresh data directory). Prints the seconds and posts/s as JSON beside
// the target (under 60 s for the defaults), with the process's CPU seconds and the load average: on a busy
// machine the CPU figure reads truer than the wall clock. BENCH_IMPORT_POSTS=20000 BENCH_IMPORT_MEDIA=1000
// is a fifth of it, for quicker comparisons. Asserts nothing.
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import sharp from "sharp";
import { importMastodonArchive } from "../server/archive/mastodon-import.ts";
import { findOwnerAccount } from "../server/core/accounts/accounts.ts";
import { systemClock } from "../server/core/clock.ts";
import { createCoreContext } from "../server/core/context.ts";
import { setupInstance } from "../server/core/instance/instance.ts";
import { openDataDirectoryDatabase } from "../server/db/open.ts";
import { createMediaStorage, mediaRootOf } from "../server/media/storage.ts";
import { archiveActor, AS_PUBLIC, createNote, jsonEntry, orderedCollection, statusUri, writeZip, type ArchiveEntry } from "../test/helpers/mastodon-archive.ts";

const POSTS = Number(process.env.BENCH_IMPORT_POSTS ?? 100_000);
const MEDIA = Number(process.env.BENCH_IMPORT_MEDIA ?? 5_000);
const ORIGIN = "https://old.example";
const ACTOR = `${ORIGIN}/users/alice`;

const work = mkdtempSync(join(tmpdir(), "hearth-bench-import-"));
try {
  const every = Math.max(1, Math.floor(POSTS / Math.max(MEDIA, 1)));
  const items: unknown[] = [];
  const entries: ArchiveEntry[] = [];
  const start = Date.UTC(2017, 0, 1);
  for (let index = 0; index < POSTS; index++) {
    const hasMedia = MEDIA > 0 && index % every === 0 && index / every < MEDIA;
    const path = `media_attachments/files/${index}/original/p.png`;
    if (hasMedia) {
      const colour = { r: index % 256, g: (index >> 8) % 256, b: 128 };
      entries.push({ name: path, bytes: await sharp({ create: { width: 64, height: 48, channels: 3, background: colour } }).png().toBuffer() });
    }
    items.push(
      createNote({
        actor: ACTOR,
        id: index + 1,
        published: new Date(start + index * 60_000).toISOString(),
        content: `<p>Post number ${index} with a few words in it, as people write them.</p>`,
        to: [AS_PUBLIC],
        cc: [`${ACTOR}/followers`],
        inReplyTo: index % 20 === 19 ? statusUri(ACTOR, index) : null,
        attachment: hasMedia ? [{ type: "Document", mediaType: "image/png", url: `/${path}`, name: `Picture ${index}`, focalPoint: [0, 0] }] : [],
      }),
    );
  }
  const archive = join(work, "archive.zip");
  await writeZip(archive, [jsonEntry("actor.json", archiveActor(ORIGIN, "alice")), jsonEntry("outbox.json", orderedCollection("outbox.json", items)), ...entries]);
  items.length = 0;

  const dataDir = join(work, "data");
  const database = await openDataDirectoryDatabase(dataDir);
  try {
    const core = createCoreContext(database.db, systemClock);
    await setupInstance(core, { username: "alice", password: "correct horse battery staple", publicOrigin: "https://hearth.example" });
    const account = await findOwnerAccount(core);
    if (!account) throw new Error("no owner account");
    const began = performance.now();
    const cpuBefore = process.cpuUsage();
    const report = await importMastodonArchive({ file: archive, core, storage: createMediaStorage(mediaRootOf(dataDir)), account, includeDirect: false, force: false });
    const seconds = (performance.now() - began) / 1000;
    // CPU time (all threads, sharp's included) reads truer than the wall clock on a machine busy with other work.
    const cpu = process.cpuUsage(cpuBefore);
    console.log(
      JSON.stringify({
        benchmark: "mastodon-import",
        posts: POSTS,
        media: report.mediaImported,
        imported: report.imported,
        seconds: Number(seconds.toFixed(1)),
        postsPerSecond: Math.round(report.imported / seconds),
        cpuSeconds: Number(((cpu.user + cpu.system) / 1e6).toFixed(1)),
        targetSeconds: 60,
        withinTarget: seconds < 60,
        loadAverage: Number((loadavg()[0] ?? 0).toFixed(1)),
      }),
    );
  } finally {
    await database.close();
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
