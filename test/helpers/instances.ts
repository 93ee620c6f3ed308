import { sql } from "kysely";
import type { AccountRow } from "../../server/core/accounts.ts";
import { systemClock } from "../../server/core/clock.ts";
import { createCoreContext, type CoreContext } from "../../server/core/context.ts";
import { setupInstance } from "../../server/core/instance.ts";
import { openDataDirectoryDatabase } from "../../server/db/open.ts";
import { startInstance, type InstanceOptions, type RunningInstance } from "../../server/index.ts";
import { makeTempDir } from "./temp-dir.ts";

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
  /** Whether every queued job (deliveries, inbox work) has been handled. */
  isQueueEmpty(): Promise<boolean>;
}

/** Each spec an instance of its own: a set-up data directory, a free loopback port, private network allowed. */
async function startOne(spec: InstanceSpec, dataDir: string): Promise<TestInstance> {
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
  const running = await startInstance({ ...spec.options, dataDir, port: 0, allowPrivateNetwork: spec.allowPrivateNetwork ?? true });
  const url = running.localUrl;
  const host = new URL(url).host;
  return {
    running,
    core: running.core,
    url,
    host,
    owner,
    handle: `${spec.username}@${host}`,
    actorUri: `${url}/users/${spec.username}`,
    async isQueueEmpty() {
      const result = await sql<{ count: number }>`SELECT count(*) AS count FROM fedify_messages`.execute(running.core.db);
      return result.rows[0]?.count === 0;
    },
  };
}

export interface InstanceGroup {
  readonly instances: TestInstance[];
  close(): Promise<void>;
}

/** Starts Hearth instances in this process, on loopback, each with its own temporary data directory. */
export async function startInstances(specs: readonly InstanceSpec[]): Promise<InstanceGroup> {
  const dataDirs = specs.map((spec) => makeTempDir(`federation-${spec.username}`));
  const started: TestInstance[] = [];
  const close = async () => {
    await Promise.all(started.map((instance) => instance.running.close()));
    for (const dataDir of dataDirs) dataDir.remove();
  };
  try {
    for (const [index, spec] of specs.entries()) started.push(await startOne(spec, dataDirs[index]?.path ?? ""));
  } catch (error) {
    await close();
    throw error;
  }
  return { instances: started, close };
}
