import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { createAdaptorServer } from "@hono/node-server";
import { getLogger } from "@logtape/logtape";
import { systemClock, type Clock } from "./core/clock.ts";
import { createCoreContext } from "./core/context.ts";
import { fixCanonicalOrigin, getInstance, normaliseOrigin } from "./core/instance.ts";
import { openSqlite } from "./db/connection.ts";
import { lockDataDirectory } from "./db/data-dir-lock.ts";
import { SqliteKvStore } from "./db/fedify-kv-store.ts";
import { SqliteMessageQueue } from "./db/fedify-message-queue.ts";
import { openDataDirectoryDatabase } from "./db/open.ts";
import { createHearthFederation } from "./federation/federation.ts";
import { createApp } from "./http/app.ts";
import { UserError } from "./user-error.ts";

const logger = getLogger(["hearth"]);

export const DEFAULT_RENDERER_DIR = fileURLToPath(new URL("../renderer/dist", import.meta.url));

export interface InstanceOptions {
  dataDir: string;
  host?: string;
  /** 0 picks a free port; the chosen one is in localUrl. */
  port?: number;
  publicUrl?: string;
  allowPrivateNetwork?: boolean;
  rendererDir?: string;
  clock?: Clock;
}

export interface RunningInstance {
  /** Where this machine reaches the server: http://127.0.0.1:PORT. */
  readonly localUrl: string;
  /** The address the fediverse knows: the canonical origin once published, else the local URL. */
  readonly publicUrl: string;
  close(): Promise<void>;
}

type RequestHandler = (request: Request) => Response | Promise<Response>;

function listen(server: ReturnType<typeof createAdaptorServer>, host: string, port: number): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      server.off("listening", onListening);
      if (error.code === "EADDRINUSE") {
        reject(new UserError(`Port ${port} on ${host} is already in use (another Hearth?); stop that program or choose another --port.`));
      } else if (error.code === "EACCES") {
        reject(new UserError(`Not allowed to listen on ${host}:${port}; choose a port above 1023 with --port.`));
      } else if (error.code === "EADDRNOTAVAIL" || error.code === "ENOTFOUND") {
        reject(new UserError(`${host} is not an address of this computer; use --host 127.0.0.1.`));
      } else {
        reject(error);
      }
    };
    const onListening = () => {
      server.off("error", onError);
      resolve(server.address() as AddressInfo);
    };
    server.once("error", onError);
    server.once("listening", onListening);
    server.listen(port, host);
  });
}

function urlFor(host: string, port: number): string {
  return `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
}

/** The one entry point: a whole Hearth instance on one data directory, until close(). */
export async function startInstance(options: InstanceOptions): Promise<RunningInstance> {
  const host = options.host ?? "127.0.0.1";
  const port = options.port ?? 8330;
  const clock = options.clock ?? systemClock;
  const requestedOrigin = options.publicUrl === undefined ? undefined : normaliseOrigin(options.publicUrl);

  const database = await openDataDirectoryDatabase(options.dataDir);
  const cleanups: Array<() => unknown> = [() => database.close()];
  const cleanUp = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  };
  try {
    const lock = lockDataDirectory(options.dataDir);
    cleanups.push(() => lock.release());
    const core = createCoreContext(database.db, clock);

    let instance = await getInstance(core);
    if (instance && requestedOrigin) instance = await fixCanonicalOrigin(core, requestedOrigin);

    // Fedify's own connection: its writes never nest inside one of our transactions.
    const fedifySqlite = openSqlite(database.path);
    cleanups.push(() => fedifySqlite.close());
    const kv = new SqliteKvStore(fedifySqlite);
    const queue = new SqliteMessageQueue(fedifySqlite);

    let handle: RequestHandler = () => new Response("Hearth is starting", { status: 503 });
    const server = createAdaptorServer({ fetch: (request: Request) => handle(request) });
    const address = await listen(server, host, port);
    const localUrl = urlFor(host, address.port);
    const origin = () => instance?.canonical_origin ?? requestedOrigin ?? localUrl;
    const federation = createHearthFederation({
      kv,
      queue,
      origin: origin(),
      allowPrivateNetwork: options.allowPrivateNetwork ?? false,
    });
    const queueStop = new AbortController();
    const queueRunning = federation.startQueue(undefined, { signal: queueStop.signal });
    cleanups.push(async () => {
      queueStop.abort();
      await queueRunning;
    });
    // Runs first on close: stop accepting, let requests in flight finish, drop idle keep-alive sockets.
    cleanups.push(
      () =>
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          if ("closeIdleConnections" in server) server.closeIdleConnections();
        }),
    );

    const app = createApp({
      core,
      federation,
      federationContextData: () => undefined,
      origin,
      rendererDir: options.rendererDir ?? DEFAULT_RENDERER_DIR,
      isSetUp: async () => (instance ??= await getInstance(core)) !== undefined,
    });
    handle = (request) => app.fetch(request);
    logger.info("Hearth is serving {localUrl} as {origin}", { localUrl, origin: origin() });

    let closing: Promise<void> | undefined;
    return {
      localUrl,
      get publicUrl() {
        return origin();
      },
      close: () => (closing ??= cleanUp().then(() => logger.info("Hearth stopped; the database is closed."))),
    };
  } catch (error) {
    await cleanUp();
    throw error;
  }
}
