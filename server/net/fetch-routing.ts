import { AsyncLocalStorage } from "node:async_hooks";
import type { FetchFunction } from "./outgoing-fetch.ts";

/**
 * Fedify sends deliveries and loads documents, WebFinger and NodeInfo with the global fetch() and takes no
 * fetch of its own, so the guard reaches it through the global: while an instance's work runs (everything
 * startInstance starts runs inside routeFetches), fetch() is that instance's guarded fetch. Outside any
 * instance (a test talking to its instances, the desktop shell) fetch() is what it was. Per instance rather
 * than one process-wide dispatcher, because two instances in one process (as tests run them) may differ
 * in --allow-private-network.
 */

const routes = new AsyncLocalStorage<FetchFunction>();
// The fetch from before any routing, kept on the global so a second copy of this module (vitest loads one per
// test file) does not route to the first copy's router.
const DIRECT = Symbol.for("hearth.fetch-before-routing");
type RoutedGlobal = typeof globalThis & { [DIRECT]?: typeof fetch };

let router: typeof fetch | undefined;

function installRouting(): void {
  const global = globalThis as RoutedGlobal;
  const direct = (global[DIRECT] ??= globalThis.fetch);
  router = function routedFetch(input, init) {
    const own = routes.getStore();
    return own ? own(input, init) : direct(input, init);
  };
  globalThis.fetch = router;
}

/** Runs work, and everything it starts, with fetch() going through the instance's guarded fetch. */
export function routeFetches<T>(fetchOfInstance: FetchFunction, work: () => T): T {
  if (globalThis.fetch !== router) installRouting();
  return routes.run(fetchOfInstance, work);
}

/** fetch() of a service on this machine that Hearth itself runs (cloudflared's readiness), never guarded. */
export function localFetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
  return routes.exit(() => fetch(input, init));
}
