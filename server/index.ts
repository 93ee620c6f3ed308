import type { IncomingMessage, Server as HttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createAdaptorServer, type HttpBindings } from "@hono/node-server";
import { getLogger } from "@logtape/logtape";
import { systemClock, type Clock } from "./core/clock.ts";
import { createCoreContext, type CoreContext } from "./core/context.ts";
import { isInstanceDomainBlocked } from "./core/moderation/instance-domain-blocks.ts";
import { fixCanonicalOrigin, getInstance, normaliseOrigin } from "./core/instance/instance.ts";
import { getTunnelSettings, saveTunnelSettings, tunnelSettingsView } from "./core/instance/tunnel-settings.ts";
import { lateBoundPorts } from "./core/ports.ts";
import { startStatusScheduler } from "./core/statuses/scheduled-statuses.ts";
import { openFedifySqlite } from "./db/fedify-connection.ts";
import { schedulePruning } from "./db/fedify-cache-pruning.ts";
import { SqliteKvStore } from "./db/fedify-kv-store.ts";
import { SqliteMessageQueue } from "./db/fedify-message-queue.ts";
import { forgetPageReadCaches, unseenCommitsOf } from "./db/page-read-caches.ts";
import { openDataDirectoryDatabase } from "./db/open.ts";
import type { TunnelMode } from "./db/schema.ts";
import { startCatchUp, type CatchUp, type CatchUpTiming } from "./federation/catch-up.ts";
import type { DeliveryTiming } from "./federation/delivery-policy.ts";
import { createHearthFederation } from "./federation/federation.ts";
import { createOutboxDrain } from "./federation/outbox/drain.ts";
import { createRemoteLookup } from "./federation/remote-lookup.ts";
import { startPushDelivery } from "./api/push/delivery.ts";
import { createArchiveJobs, DEFAULT_MAX_UPLOAD_BYTES } from "./archive/archive-jobs.ts";
import { startBackupScheduler, type BackupSchedulerTiming } from "./backup/backup-scheduler.ts";
import { createBackupService } from "./backup/backup-service.ts";
import { createStreamPayloads } from "./api/streaming/payloads.ts";
import { createStreamingService } from "./api/streaming/service.ts";
import { createApp } from "./http/app.ts";
import { listen } from "./http/listen.ts";
import { REQUEST_DEADLINE_MS, refuseUpgradeWhileStopping, stoppingResponse, watchForStop, within, type ServerStop } from "./http/server-stop.ts";
import { startMediaCleanup } from "./media/cleanup.ts";
import { PUBLISHED_SIZE_LIMITS, type MediaSizeLimits } from "./media/media-types.ts";
import { createMediaStorage, mediaRootOf } from "./media/storage.ts";
import { releaseIdleMemory, startIdleRelease } from "./memory/idle-release.ts";
import { createRemoteAccountImageCache } from "./media/remote-account-images.ts";
import { createRemoteMediaCache } from "./media/remote-cache.ts";
import { startRemoteMediaPrefetch } from "./media/remote-prefetch.ts";
import { createMediaUploads } from "./media/uploads.ts";
import { startLinkPreviews, type LinkPreviewTiming } from "./link-previews/worker.ts";
import type { ListenerBindings } from "./http/client-address.ts";
import type { RateLimits } from "./http/rate-limit.ts";
import { routeFetches } from "./net/fetch-routing.ts";
import { createOutgoingFetch, type ExchangeLimits, type FetchFunction, type OutgoingFetch } from "./net/outgoing-fetch.ts";
import type { OutgoingPolicy } from "./net/outgoing-policy.ts";
import { createTunnelManager, type TunnelTiming } from "./tunnel/manager.ts";
import type { TunnelControl, TunnelWatch } from "./tunnel/status.ts";
import { UserError } from "./user-error.ts";

const logger = getLogger(["hearth"]);

/** Beyond the requests' deadline, for the streams' goodbyes and the tunnel to finish. */
const INTAKE_EXTRA_MS = 1_000;
/** How long the workers (queue, outbox drain, previews, push, media) get to stop once nothing new comes in. */
const WORK_DEADLINE_MS = 2_000;
/** How long queued deliveries under way get; less than WORK_DEADLINE_MS, so the queue itself ends in time. */
const QUEUE_DRAIN_MS = 1_500;

/** One step of a stop: its failure is logged and the stop goes on, so the database is always closed. */
async function runStep(step: () => unknown): Promise<void> {
  try {
    await step();
  } catch (error) {
    logger.error("A part of Hearth failed to stop: {error}", { error });
  }
}

export const DEFAULT_RENDERER_DIR = fileURLToPath(new URL("../renderer/dist", import.meta.url));

export interface InstanceOptions {
  dataDir: string;
  host?: string;
  /** 0 picks a free port; the chosen one is in localUrl. */
  port?: number;
  /** The tunnel's listener (tunnelServiceUrl): PORT+1 when PORT was given and that one is free; 0 picks a free port. */
  tunnelPort?: number;
  publicUrl?: string;
  allowPrivateNetwork?: boolean;
  /** The largest archive the web client may upload for an import (2 GB by default). */
  maxArchiveUploadBytes?: number;
  /** The largest chunk of a chunked archive upload (8 MiB by default; tests send small files in several). */
  archiveUploadChunkBytes?: number;
  rendererDir?: string;
  clock?: Clock;
  tunnel?: TunnelOptions;
  /** Smaller upload limits (tests); the published ones otherwise. */
  mediaLimits?: Partial<MediaSizeLimits>;
  /** Overrides of Mastodon's API rate limits (tests use small numbers). */
  rateLimits?: Partial<RateLimits>;
  /** Tests only: how long the server is idle before it gives memory back (memory/idle-release.ts; 30 s). */
  idleReleaseAfterMs?: number;
  /** Tests only: shorter delivery retries than the published two days. */
  deliveryTiming?: DeliveryTiming;
  /** Tests only: catching up after being away without the waits that are polite to peers. */
  catchUp?: Partial<CatchUpTiming>;
  /** Tests only: link previews without the spread of remote statuses' fetches over a minute. */
  linkPreviews?: Partial<LinkPreviewTiming>;
  /** How often scheduled backups are looked at and how long a missed one waits after start (tests shorten both). */
  backupSchedule?: Partial<BackupSchedulerTiming>;
  /** Tests only: smaller limits for remote documents, and a resolver standing in for DNS. */
  outgoing?: { documentLimits?: Partial<ExchangeLimits>; policy?: Omit<OutgoingPolicy, "allowPrivateNetwork"> };
}

/** The tunnel as `hearth serve` (or the desktop app) asks for it. What is given is stored; the rest is as stored. */
export interface TunnelOptions {
  mode?: TunnelMode;
  hostname?: string;
  token?: string;
  /** CLOUDFLARED_BIN: use this cloudflared rather than the one Hearth keeps in the data directory. */
  cloudflaredBin?: string;
  /** Replaces the download of cloudflared from GitHub (tests). */
  install?: (to: string) => Promise<string>;
  timing?: Partial<TunnelTiming>;
}

export interface RunningInstance {
  /** Where this machine reaches the server: http://127.0.0.1:PORT. */
  readonly localUrl: string;
  /**
   * Where cloudflared forwards to: a second listener on loopback, the only one whose requests are believed about
   * their client (Cf-Connecting-IP). Port PORT+1 when it is free, so a named tunnel's route stays put.
   */
  readonly tunnelServiceUrl: string;
  /** The address the fediverse knows: the canonical origin once published, else the local URL. */
  readonly publicUrl: string;
  /** The instance's core, for callers in the same process (tests, the desktop shell). */
  readonly core: CoreContext;
  /** The tunnel's status and its changes, for the tray and the CLI. */
  readonly tunnel: TunnelWatch;
  /** Reading what was missed while away (at start, after sleep, when the tunnel is back). */
  readonly catchUp: Pick<CatchUp, "whenIdle" | "lastSummary">;
  close(): Promise<void>;
}

/** env carries the Node request (HttpBindings), from which clientAddress reads the peer's address, and the listener. */
type RequestHandler = (request: Request, env: HttpBindings & ListenerBindings) => Response | Promise<Response>;

// cloudflared runs on this computer: its listener is never opened beyond loopback, whatever --host says.
const TUNNEL_HOST = "127.0.0.1";

/**
 * The tunnel's listener: PORT+1, so that the route a named tunnel's dashboard holds stays right from one start
 * to the next; a free port when that one is taken (said in the log, and shown in settings), or when the main
 * port was chosen freely.
 */
async function listenForTunnel(server: HttpServer, mainPort: number, requestedPort: number, tunnelPort: number | undefined): Promise<AddressInfo> {
  const preferred = tunnelPort ?? (requestedPort === 0 || mainPort >= 65535 ? 0 : mainPort + 1);
  try {
    return await listen(server, TUNNEL_HOST, preferred);
  } catch (error) {
    if (preferred === 0 || !(error instanceof UserError)) throw error;
    const address = await listen(server, TUNNEL_HOST, 0);
    logger.warn("Port {preferred} was taken, so cloudflared reaches Hearth on port {port}; a named tunnel's route must name that port.", {
      preferred,
      port: address.port,
    });
    return address;
  }
}

function urlFor(host: string, port: number): string {
  return `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
}

/** How the instance reaches other servers: one guarded fetch, which Fedify's global fetch() is routed to. */
interface InstanceOutgoing {
  policy: OutgoingPolicy;
  documents: OutgoingFetch;
  /** Runs work (and all it starts) with fetch() routed to the instance's guarded fetch. */
  within<T>(work: () => T): T;
  /** Sets which hosts are never reached, once the database that says so is open. */
  refuseHosts(check: (url: URL) => Promise<boolean>): void;
}

/** The one entry point: a whole Hearth instance on one data directory, until close(). */
export function startInstance(options: InstanceOptions): Promise<RunningInstance> {
  const policy: OutgoingPolicy = { ...options.outgoing?.policy, allowPrivateNetwork: options.allowPrivateNetwork ?? false };
  let refusesHost: (url: URL) => Promise<boolean> = async () => false;
  const documents = createOutgoingFetch({ policy, limits: options.outgoing?.documentLimits, refusesHost: (url) => refusesHost(url) });
  const fetchOfInstance: FetchFunction = (input, init) => documents.fetch(input, init);
  const outgoing: InstanceOutgoing = {
    policy,
    documents,
    within: (work) => routeFetches(fetchOfInstance, work),
    refuseHosts: (check) => {
      refusesHost = check;
    },
  };
  // Everything the instance starts (its server, queue, timers) runs inside, so whatever Fedify fetches is guarded.
  return outgoing.within(() => startWithin(options, outgoing));
}

async function startWithin(options: InstanceOptions, outgoing: InstanceOutgoing): Promise<RunningInstance> {
  const host = options.host ?? "127.0.0.1";
  const port = options.port ?? 8330;
  const clock = options.clock ?? systemClock;
  const requestedOrigin = options.publicUrl === undefined ? undefined : normaliseOrigin(options.publicUrl);

  // Locks the data directory before anything in it is opened or migrated; close() releases it.
  const database = await openDataDirectoryDatabase(options.dataDir);
  // A stop ends within about 8 s whatever clients and peers do (a desktop quit must end), in three steps:
  // nothing new comes in (requests under way get REQUEST_DEADLINE_MS), the workers stop (given
  // WORK_DEADLINE_MS), then the storage closes, always.
  const intake: Array<() => unknown> = [];
  const work: Array<() => unknown> = [];
  const storage: Array<() => unknown> = [() => database.close(), () => outgoing.documents.close()];
  const cleanUp = async () => {
    await within(REQUEST_DEADLINE_MS + INTAKE_EXTRA_MS, Promise.all(intake.splice(0).map(runStep)));
    await within(WORK_DEADLINE_MS, Promise.all(work.splice(0).map(runStep)));
    for (const close of storage.splice(0).reverse()) await runStep(close);
  };
  try {
    // Core's ports need the federation, whose dispatchers need core: the ports are bound once it exists.
    const ports = lateBoundPorts();
    const core = createCoreContext(database.db, clock, ports.ports);
    // Nothing is fetched from or delivered to a suspended domain (Mastodon's DomainBlock, severity suspend).
    outgoing.refuseHosts((url) => isInstanceDomainBlocked(core, url.host));

    let instance = await getInstance(core);
    if (instance && requestedOrigin) instance = await fixCanonicalOrigin(core, requestedOrigin);
    const tunnelOptions = options.tunnel ?? {};
    if (tunnelOptions.mode !== undefined || tunnelOptions.hostname !== undefined || tunnelOptions.token !== undefined) {
      // Stored under the same rules as a change through the API: a named tunnel fixes the canonical origin.
      const hostname = tunnelOptions.hostname ?? (tunnelOptions.mode === "named" && requestedOrigin ? new URL(requestedOrigin).host : undefined);
      await saveTunnelSettings(core, { mode: tunnelOptions.mode, hostname, token: tunnelOptions.token });
      instance = await getInstance(core);
    }
    let tunnelSettings = await getTunnelSettings(core);

    // Fedify's own connection: its writes never nest inside one of our transactions.
    const fedifySqlite = openFedifySqlite(database.path);
    storage.push(() => fedifySqlite.close());
    // A quiet server gives back what its last busy spell grew: SQLite's page caches, the page-read caches,
    // V8's heap and the free pages glibc's malloc keeps.
    const idleRelease = startIdleRelease(
      () => void releaseIdleMemory([database.sqlite, fedifySqlite], { forgetCaches: () => forgetPageReadCaches(database.db), trimMalloc: true }),
      { idleAfterMs: options.idleReleaseAfterMs },
    );
    work.push(() => idleRelease.stop());
    // Its commits touch only Fedify's tables, so they leave core's page-read caches as they are.
    const fedifyCommits = unseenCommitsOf(database.db, fedifySqlite);
    const kv = new SqliteKvStore(fedifySqlite, Date, fedifyCommits);
    // Deliveries still running when a stop comes are let go after this; their messages stay leased and go
    // again at the next start.
    const queue = new SqliteMessageQueue(fedifySqlite, { drainTimeoutMs: QUEUE_DRAIN_MS, commits: fedifyCommits });
    const pruning = schedulePruning(kv);
    work.push(() => pruning.stop());
    const mediaStorage = createMediaStorage(mediaRootOf(options.dataDir));
    const mediaLimits = { ...PUBLISHED_SIZE_LIMITS, ...options.mediaLimits };
    const mediaUploads = createMediaUploads({ core, storage: mediaStorage, limits: mediaLimits });
    // Uploads still being processed finish (and write their rows) before the database closes.
    work.push(() => mediaUploads.settled());
    const mediaCleanup = await startMediaCleanup(core, mediaStorage);
    work.push(() => mediaCleanup.stop());
    const remoteMediaCache = createRemoteMediaCache({
      core,
      storage: mediaStorage,
      allowPrivateNetwork: options.allowPrivateNetwork ?? false,
      limits: mediaLimits,
    });
    const remoteAccountImages = createRemoteAccountImageCache({ core, storage: mediaStorage, allowPrivateNetwork: options.allowPrivateNetwork ?? false });
    // Remote media reaching the owner's home feed or notifications is fetched ahead, for the archive offline
    // (stopped before the database closes).
    const remoteMediaPrefetch = startRemoteMediaPrefetch({ core, media: remoteMediaCache, accountImages: remoteAccountImages });
    work.push(() => remoteMediaPrefetch.stop());

    let handle: RequestHandler = () => new Response("Hearth is starting", { status: 503 });
    // Two doors into the one app: the main listener, and the tunnel's (see RunningInstance.tunnelServiceUrl).
    // Without a createServer option, Hono's adaptor makes a node:http server.
    const doorFor = (listener: "main" | "tunnel"): HttpServer =>
      createAdaptorServer({
        fetch: (request: Request, env) => (isStopping() ? stoppingResponse() : handle(request, { ...(env as HttpBindings), listener })),
      }) as HttpServer;
    const server = doorFor("main");
    const tunnelServer = doorFor("tunnel");
    const doorStops: ServerStop[] = [server, tunnelServer].map((door) => watchForStop(door));
    const isStopping = (): boolean => doorStops.some((stop) => stop.isStopping);
    // The streaming API's WebSocket arrives as an HTTP upgrade, which Hono never sees; bound once the API exists.
    let handleUpgrade = (_request: IncomingMessage, socket: Duplex, _head: Buffer): void => void socket.destroy();
    for (const door of [server, tunnelServer]) {
      door.on("upgrade", (request: IncomingMessage, socket: Duplex, head: Buffer) => {
        if (isStopping()) refuseUpgradeWhileStopping(socket);
        else handleUpgrade(request, socket, head);
      });
    }
    const address = await listen(server, host, port);
    const localUrl = urlFor(host, address.port);
    const tunnelAddress = await listenForTunnel(tunnelServer, address.port, port, options.tunnelPort).catch(async (error: unknown) => {
      await new Promise((resolve) => server.close(resolve));
      throw error;
    });
    const tunnelTarget = urlFor(TUNNEL_HOST, tunnelAddress.port);
    intake.push(() => Promise.all(doorStops.map((stop) => stop.stop())));
    const tunnel = createTunnelManager({
      dataDir: options.dataDir,
      localUrl: tunnelTarget,
      loadSettings: async () => (tunnelSettings = await getTunnelSettings(core)),
      cloudflaredBin: tunnelOptions.cloudflaredBin,
      install: tunnelOptions.install,
      timing: tunnelOptions.timing,
    });
    // A quick tunnel's address is known only once cloudflared prints it, and changes whenever cloudflared is
    // restarted; until then (and whenever it is down) the instance answers as its local URL.
    const origin = () => {
      if (tunnelSettings.mode === "quick") return tunnel.status().publicUrl ?? localUrl;
      const named = tunnelSettings.mode === "named" && tunnelSettings.hostname ? `https://${tunnelSettings.hostname}` : undefined;
      return instance?.canonical_origin ?? requestedOrigin ?? named ?? localUrl;
    };
    // Fedify gets a fixed origin only when the address is fixed; otherwise it reads it from each request, which
    // the federation mount rewrites to origin(). That lets a quick tunnel (or a first named tunnel set up while
    // running) change the address without rebuilding the federation.
    const federation = createHearthFederation({
      kv,
      queue,
      origin: instance?.canonical_origin ?? requestedOrigin,
      allowPrivateNetwork: options.allowPrivateNetwork ?? false,
      outgoing: { policy: outgoing.policy, within: outgoing.within },
      core,
      deliveryTiming: options.deliveryTiming,
    });
    const allowPrivateNetwork = options.allowPrivateNetwork ?? false;
    const outbox = createOutboxDrain({ federation, core, origin });
    ports.bind({
      outbox,
      remote: createRemoteLookup({ federation, core, origin, allowPrivateNetwork }),
    });
    // Web Push: new notifications go to the phones that subscribed (stopped before the database closes).
    const pushDelivery = startPushDelivery({ core, origin, allowPrivateNetwork, fetch: (input, init) => outgoing.documents.fetch(input, init) });
    work.push(() => pushDelivery.stop());
    // Scheduled statuses are posted, and polls ended, when their time comes (stopped before the database closes).
    const statusScheduler = startStatusScheduler(core, { origin });
    work.push(() => statusScheduler.stop());
    // Link preview cards for statuses posted, arrived or edited (stopped before the database closes).
    const linkPreviews = startLinkPreviews({
      core,
      storage: mediaStorage,
      origin,
      localUrl,
      allowPrivateNetwork,
      matrixLimit: mediaLimits.imageMatrixLimit,
      timing: options.linkPreviews,
    });
    work.push(() => linkPreviews.stop());
    const queueStop = new AbortController();
    // Queued work (deliveries, inbox activities) runs with core as its context data, as requests do.
    const queueRunning = federation.startQueue(core, { signal: queueStop.signal });
    work.push(async () => {
      queueStop.abort();
      await queueRunning;
    });
    // What the outbox holds goes to the queue now (left by a crash, a stop, or another `hearth` process),
    // then after every write that federates. What a stop leaves in it goes at the next start.
    outbox.start();
    work.push(() => outbox.stop());

    intake.push(() => tunnel.stop());
    // Catching up after being away: stopped with the intake, while the database is still open.
    const catchUp = startCatchUp({ federation, core, origin, tunnel, timing: options.catchUp });
    intake.push(() => catchUp.stop());
    const tunnelControl: TunnelControl = {
      status: () => tunnel.status(),
      onStatus: (listener) => tunnel.onStatus(listener),
      settings: async () => tunnelSettingsView(await getTunnelSettings(core)),
      async configure(change) {
        tunnelSettings = await saveTunnelSettings(core, change);
        instance = await getInstance(core);
        // Not awaited: the request asking for the change may itself have come through the tunnel.
        void tunnel.restart();
      },
      localServiceUrl: tunnelTarget,
    };

    const streaming = createStreamingService({ core, payloads: createStreamPayloads(core, origin) });
    handleUpgrade = streaming.handleUpgrade;
    // Every stream is told goodbye (1001) while the server stops.
    intake.push(() => streaming.close());

    // Backups from the web client go where `hearth backup` puts them without --to; a stop waits for one under way.
    const backups = createBackupService({ sqlite: database.sqlite, core, dataDir: options.dataDir, backupsDir: join(options.dataDir, "backups"), startInstance });
    work.push(() => backups.settled());
    // Imports and exports from the web client; a stop lets an import end its batch, and the next start resumes it.
    const archives = createArchiveJobs({
      core,
      dataDir: options.dataDir,
      storage: mediaStorage,
      origin,
      maxUploadBytes: options.maxArchiveUploadBytes ?? DEFAULT_MAX_UPLOAD_BYTES,
      uploadChunkBytes: options.archiveUploadChunkBytes,
    });
    work.push(() => archives.close());
    const backupScheduler = startBackupScheduler({
      backups,
      clock,
      timing: options.backupSchedule,
      onError: (error) => logger.error("A scheduled backup could not start: {error}", { error }),
    });
    work.push(() => backupScheduler.stop());

    const app = createApp({
      core,
      writeGeneration: database.writeGeneration,
      federation,
      federationContextData: () => core,
      origin,
      tunnel: tunnelControl,
      backups,
      archives,
      rendererDir: options.rendererDir ?? DEFAULT_RENDERER_DIR,
      dataDir: options.dataDir,
      rateLimits: options.rateLimits,
      streaming: streaming.routes,
      isSetUp: async () => (instance ??= await getInstance(core)) !== undefined,
      media: { storage: mediaStorage, uploads: mediaUploads, remoteCache: remoteMediaCache, remoteAccountImages, limits: mediaLimits },
    });
    handle = (request, env) => {
      idleRelease.noteActivity();
      return outgoing.within(() => app.fetch(request, env));
    };
    logger.info("Hearth is serving {localUrl} as {origin}", { localUrl, origin: origin() });
    tunnel.start();
    void outgoing.within(() => archives.resumeInterrupted()).catch((error: unknown) => logger.error("Resuming interrupted imports failed: {error}", { error }));
    // No collection here: the idle release's first run (IDLE_AFTER_MS after start, or after the first busy spell)
    // gives back what loading grew. A last-resort collection at this point cost 100 ms of start CPU (two or three
    // full collections) for 7-10 MiB less resident at the first /healthz: with the bundle in ASCII and 8 MiB
    // semi-spaces the server starts at about 90 MiB without it, and 80-83 with it (bench/cold-start-and-memory.ts,
    // five starts each, alternating; issue #19). A plain major collection was between the two on both counts.

    let closing: Promise<void> | undefined;
    return {
      localUrl,
      tunnelServiceUrl: tunnelTarget,
      core,
      get publicUrl() {
        return origin();
      },
      tunnel: { status: () => tunnel.status(), onStatus: (listener) => tunnel.onStatus(listener) },
      catchUp: { whenIdle: () => catchUp.whenIdle(), lastSummary: () => catchUp.lastSummary() },
      close: () => (closing ??= cleanUp().then(() => logger.info("Hearth stopped; the database is closed."))),
    };
  } catch (error) {
    await cleanUp();
    throw error;
  }
}
