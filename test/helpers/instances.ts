import { sql } from "kysely";
import { systemClock } from "../../server/core/clock.ts";
import { createCoreContext, type CoreContext } from "../../server/core/context.ts";
import { setupInstance } from "../../server/core/instance/instance.ts";
import { openDataDirectoryDatabase } from "../../server/db/open.ts";
import { startInstance, type InstanceOptions, type RunningInstance } from "../../server/index.ts";
import { makeTempDir } from "./temp-dir.ts";
import type { AccountRow } from "../../server/core/rows.ts";

export interface InstanceSpec {
  /** The owner's username. */
  username: string;
  /** Whether the owner approves followers by hand. */
  locked?: boolean;
  /** --allow-private-network; true unless a test proves what happens without it. */
  allowPrivateNetwork?: boolean;
  /** Anything else startInstance takes (small rate limits, ...). */
  options?: Partial<Omit<InstanceOptions, "dataDir" | "port">>;
}

export interface TestInstance {
  readonly running: RunningInstance;
  readonly core: CoreContext;
  /** http://127.0.0.1:PORT: on loopback, this is also the instance's origin. */
  readonly url: string;
  /** 127.0.0.1:PORT, the domain part of handles here. */
  readonly host: string;
  readonly owner: AccountRow;
  /** The owner's handle as other servers write it: name@127.0.0.1:PORT. */
  readonly handle: string;
  /** The owner's actor id. */
  readonly actorUri: string;
  /** Its data directory (hearth.db, media/). */
  readonly dataDir: string;
  /** Whether every queued job (deliveries, inbox work) has been handled. */
  isQueueEmpty(): Promise<boolean>;
}

/** Where an instance keeps its data and listens, so it can be stopped and started again as the same server. */
interface InstanceSlot {
  spec: InstanceSpec;
  dataDir: string;
  port: number;
  /** Null while stopped. */
  running: RunningInstance | null;
}

function launch(slot: InstanceSlot): Promise<RunningInstance> {
  // The tunnel's listener on any free port: PORT+1, its default, may be the port another instance here comes back on.
  return startInstance({
    tunnelPort: 0,
    ...slot.spec.options,
    dataDir: slot.dataDir,
    port: slot.port,
    allowPrivateNetwork: slot.spec.allowPrivateNetwork ?? true,
  });
}

/** Each spec an instance of its own: a set-up data directory, a free loopback port, private network allowed. */
async function startOne(spec: InstanceSpec, dataDir: string, slots: Map<TestInstance, InstanceSlot>): Promise<TestInstance> {
  const database = await openDataDirectoryDatabase(dataDir);
  let owner: AccountRow;
  try {
    const core = createCoreContext(database.db, systemClock);
    ({ owner } = await setupInstance(core, { username: spec.username, password: "correct horse battery staple" }));
    if (spec.locked) {
      owner = await database.db.updateTable("accounts").set({ is_locked: 1 }).where("id", "=", owner.id).returningAll().executeTakeFirstOrThrow();
    }
  } finally {
    await database.close();
  }
  const slot: InstanceSlot = { spec, dataDir, port: 0, running: null };
  const first = await launch(slot);
  slot.running = first;
  const url = first.localUrl;
  const host = new URL(url).host;
  slot.port = Number(new URL(url).port);
  const running = (): RunningInstance => {
    if (!slot.running) throw new Error(`${spec.username}@${host} is stopped.`);
    return slot.running;
  };
  // running and core follow the instance across restarts; everything else stays the same server.
  const instance: TestInstance = {
    get running() {
      return running();
    },
    get core() {
      return running().core;
    },
    url,
    host,
    owner,
    handle: `${spec.username}@${host}`,
    actorUri: `${url}/users/${spec.username}`,
    dataDir,
    async isQueueEmpty() {
      const result = await sql<{ count: number }>`SELECT count(*) AS count FROM fedify_messages`.execute(running().core.db);
      return result.rows[0]?.count === 0;
    },
  };
  slots.set(instance, slot);
  return instance;
}

export interface InstanceGroup {
  readonly instances: TestInstance[];
  /** Closes the instance as `hearth serve` does on SIGTERM; its data directory and port are kept. */
  stop(instance: TestInstance): Promise<void>;
  /** Starts a stopped instance again on the same data directory and port: the same server, back online. */
  start(instance: TestInstance): Promise<void>;
  /** stop, then start. */
  restart(instance: TestInstance): Promise<void>;
  close(): Promise<void>;
}

/** Starts Hearth instances in this process, on loopback, each with its own temporary data directory. */
export async function startInstances(specs: readonly InstanceSpec[]): Promise<InstanceGroup> {
  const dataDirs = specs.map((spec) => makeTempDir(`federation-${spec.username}`));
  const started: TestInstance[] = [];
  const slots = new Map<TestInstance, InstanceSlot>();
  const slotOf = (instance: TestInstance): InstanceSlot => {
    const slot = slots.get(instance);
    if (!slot) throw new Error(`${instance.handle} is not in this group.`);
    return slot;
  };
  const stop = async (instance: TestInstance) => {
    const slot = slotOf(instance);
    const running = slot.running;
    slot.running = null;
    await running?.close();
  };
  const start = async (instance: TestInstance) => {
    const slot = slotOf(instance);
    if (slot.running) throw new Error(`${instance.handle} is already running.`);
    slot.running = await launch(slot);
  };
  const close = async () => {
    await Promise.all([...slots.values()].map((slot) => slot.running?.close()));
    for (const dataDir of dataDirs) dataDir.remove();
  };
  try {
    for (const [index, spec] of specs.entries()) started.push(await startOne(spec, dataDirs[index]?.path ?? "", slots));
  } catch (error) {
    await close();
    throw error;
  }
  return {
    instances: started,
    stop,
    start,
    async restart(instance) {
      await stop(instance);
      await start(instance);
    },
    close,
  };
}
