/**
 * Whether the server can be reached: the browser's own idea (navigator.onLine) and what the last request
 * found. Either can be wrong alone: a laptop on Wi-Fi without internet says online, and the server may be
 * down while the network is fine.
 */
export interface Connectivity {
  browserOnline: boolean;
  serverReachable: boolean;
}

export const isOnline = (connectivity: Connectivity) => connectivity.browserOnline && connectivity.serverReachable;

export interface ProbeTiming {
  firstMs: number;
  maxMs: number;
}

export class ConnectivityMonitor {
  #state: Connectivity;
  readonly #listeners = new Set<(state: Connectivity) => void>();
  readonly #probe: () => Promise<boolean>;
  readonly #timing: ProbeTiming;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #delay: number;

  constructor(browserOnline: boolean, probe: () => Promise<boolean>, timing: ProbeTiming = { firstMs: 2_000, maxMs: 30_000 }) {
    this.#state = { browserOnline, serverReachable: true };
    this.#probe = probe;
    this.#timing = timing;
    this.#delay = timing.firstMs;
  }

  snapshot = (): Connectivity => this.#state;

  subscribe = (listener: (state: Connectivity) => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  #set(change: Partial<Connectivity>): void {
    const next = { ...this.#state, ...change };
    if (next.browserOnline === this.#state.browserOnline && next.serverReachable === this.#state.serverReachable) return;
    this.#state = next;
    for (const listener of this.#listeners) listener(next);
    if (isOnline(next)) this.#stopProbing();
    else this.#scheduleProbe();
  }

  /** After every request: did it reach the server? */
  report = (reached: boolean): void => this.#set({ serverReachable: reached });

  /** The browser's online and offline events. */
  browserChanged = (online: boolean): void => {
    this.#delay = this.#timing.firstMs;
    this.#set({ browserOnline: online });
    // Back on the network: ask the server at once rather than at the next probe.
    if (online && !this.#state.serverReachable) void this.probeNow();
  };

  probeNow = async (): Promise<void> => {
    let reached: boolean;
    try {
      reached = await this.#probe();
    } catch {
      reached = false;
    }
    this.#set({ serverReachable: reached });
  };

  #scheduleProbe(): void {
    if (this.#timer !== undefined || !this.#state.browserOnline) return;
    this.#timer = setTimeout(async () => {
      this.#timer = undefined;
      await this.probeNow();
      if (!isOnline(this.#state)) {
        this.#delay = Math.min(this.#delay * 2, this.#timing.maxMs);
        this.#scheduleProbe();
      }
    }, this.#delay);
  }

  #stopProbing(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#delay = this.#timing.firstMs;
  }

  stop(): void {
    this.#stopProbing();
    this.#listeners.clear();
  }
}
