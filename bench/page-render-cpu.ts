// The CPU a fresh page of 40 costs inside the server, without HTTP: the home timeline's and the notifications'
// first page read and rendered to JSON (as their routes do) PAGES times in a row, on a data directory that
// bench/timeline-latency.ts seeded and kept (BENCH_TIMELINE_DATA_DIR). Each page is rendered from the
// database: the routes' 1 s page cache is not on this path. For profiling: run with
// `npx node --cpu-prof --cpu-prof-dir=DIR bench/page-render-cpu.ts DATA_DIR`. Prints JSON; asserts nothing.
// The page's accounts, counts and the viewer's marks come from db/page-read-caches.ts, which a write forgets
// only for what it touched: home and notifications are the pages after a write that touched none of theirs
// (a status posted elsewhere), the *CachesEmptied ones after one that emptied the accounts', counts' and
// marks' caches as another connection's commit does (TriggeredCache.clear: the accounts read again and found
// the same are handed back as their former objects, whose JSON is kept). The *AfterFedifyCommit ones follow a
// commit of Fedify's key-value store on its own connection, wired as startInstance wires it (under federation
// its queue and store commit many times a second); fedifyCommitAlone is that commit's own CPU, included in theirs,
// and the *AfterUntoldFedifyCommit ones follow the same commit made as before issue #19's render-three change
// (the caches not told of it, so emptied by it).
import { loadavg } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { startInstance } from "../server/index.ts";
import { homeTimeline } from "../server/core/timelines/timelines.ts";
import { listNotifications } from "../server/core/notifications/notifications.ts";
import { toStatuses } from "../server/api/entities/status.ts";
import { toNotifications } from "../server/api/entities/notification.ts";
import { notificationsJsonBytes, statusesJsonBytes } from "../server/api/entities/page-json.ts";
import { accountRowCacheOf, statusCountsCacheOf, unseenCommitsOf, viewerMarksCacheOf } from "../server/db/page-read-caches.ts";
import { openFedifySqlite } from "../server/db/fedify-connection.ts";
import { SqliteKvStore } from "../server/db/fedify-kv-store.ts";
import { readingOnePage } from "../server/db/triggered-cache.ts";

const PAGES = Number(process.env.BENCH_PAGES ?? 2_000);
const WARM_UP = 200;
const dataDir = process.argv[2] ?? process.env.BENCH_TIMELINE_DATA_DIR;
if (!dataDir) throw new Error("Give the data directory bench/timeline-latency.ts seeded (BENCH_TIMELINE_DATA_DIR) as the first argument.");

const probe = new Database(join(dataDir, "hearth.db"), { readonly: true });
const ownerId = (probe.prepare("SELECT id FROM accounts WHERE username = 'bench' AND domain IS NULL").get() as { id: string }).id;
probe.close();

const instance = await startInstance({ dataDir, port: 0, tunnelPort: 0 });
const { core } = instance;
const origin = instance.publicUrl;
const page = { maxId: null, sinceId: null, minId: null, limit: 40 };

const emptyCaches = () => {
  for (const cache of [accountRowCacheOf(core.db), statusCountsCacheOf(core.db), viewerMarksCacheOf(core.db)]) cache?.clear();
};
// As the routes write them (api/entities/page-json.ts), as UTF-8 bytes; the *AsEntities ones as JSON.stringify of the entity objects,
// which the routes wrote before the accounts' JSON was kept across pages.
// Each page read as one, as the API's GET routes read it (http/app.ts): one look at other connections' commits.
const home = async () => readingOnePage(async () => statusesJsonBytes(core, (await homeTimeline(core, ownerId, page)).statuses, ownerId, origin, { filterContext: "home" }));
const notifications = async () => readingOnePage(async () => notificationsJsonBytes(core, await listNotifications(core, ownerId, {}, page), ownerId, origin));
const homeAsEntities = async () => readingOnePage(async () => JSON.stringify(await toStatuses(core, (await homeTimeline(core, ownerId, page)).statuses, ownerId, origin, { filterContext: "home" })));
const notificationsAsEntities = async () => readingOnePage(async () => JSON.stringify(await toNotifications(core, await listNotifications(core, ownerId, {}, page), ownerId, origin)));
const fedifySqlite = openFedifySqlite(join(dataDir, "hearth.db"));
const kv = new SqliteKvStore(fedifySqlite, Date, unseenCommitsOf(core.db, fedifySqlite));
let ticks = 0;
const fedifyCommit = () => kv.set(["bench", "page-render-cpu"], ticks++);
const untoldKv = new SqliteKvStore(fedifySqlite);
const untoldFedifyCommit = () => untoldKv.set(["bench", "page-render-cpu"], ticks++);
const renderers = {
  home,
  notifications,
  homeAsEntities,
  notificationsAsEntities,
  homeCachesEmptied: () => (emptyCaches(), home()),
  notificationsCachesEmptied: () => (emptyCaches(), notifications()),
  fedifyCommitAlone: async () => (await fedifyCommit(), ""),
  homeAfterFedifyCommit: async () => (await fedifyCommit(), home()),
  notificationsAfterFedifyCommit: async () => (await fedifyCommit(), notifications()),
  homeAfterUntoldFedifyCommit: async () => (await untoldFedifyCommit(), home()),
  notificationsAfterUntoldFedifyCommit: async () => (await untoldFedifyCommit(), notifications()),
};

const figures: Record<string, { cpuMsPerPage: number; bytes: number; target: string }> = {};
try {
  for (const [name, render] of Object.entries(renderers)) {
    let bytes = 0;
    for (let i = 0; i < WARM_UP; i++) bytes = (await render()).length;
    const before = process.cpuUsage();
    for (let i = 0; i < PAGES; i++) await render();
    const used = process.cpuUsage(before);
    figures[name] = { cpuMsPerPage: Math.round(((used.user + used.system) / 1000 / PAGES) * 1000) / 1000, bytes, target: "< 0.7 for the whole request (issue #19)" };
  }
} finally {
  await kv.delete(["bench", "page-render-cpu"]);
  fedifySqlite.close();
  await instance.close();
}
console.log(JSON.stringify({ benchmark: "page-render-cpu", pages: PAGES, loadAverage: loadavg().map((n) => Math.round(n * 100) / 100), ...figures }, null, 2));
