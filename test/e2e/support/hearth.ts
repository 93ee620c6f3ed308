import { sql } from "kysely";
import { systemClock } from "../../../server/core/clock.ts";
import { createCoreContext } from "../../../server/core/context.ts";
import { setupInstance } from "../../../server/core/instance/instance.ts";
import { issueCliToken } from "../../../server/core/auth/tokens.ts";
import { openDataDirectoryDatabase } from "../../../server/db/open.ts";
import { startInstance, type RunningInstance, type TunnelOptions } from "../../../server/index.ts";
import { makeTempDir } from "../../helpers/temp-dir.ts";
import { builtRenderer } from "./renderer-build.ts";
import type { AccountRow } from "../../../server/core/rows.ts";

export const PASSWORD = "correct horse battery staple";
export const STAND_IN_CLOUDFLARED = new URL("../../fixtures/cloudflared-stand-in.mjs", import.meta.url).pathname;
// Small waits so that the stand-in tunnel connects in a moment.
const TUNNEL_TIMING = { initialBackoffMs: 50, maxBackoffMs: 200, readyPollMs: 100, connectionLossGraceMs: 300, connectTimeoutMs: 20_000, stopTimeoutMs: 2_000 };

export interface E2eHearth {
  readonly running: RunningInstance;
  /** http://127.0.0.1:PORT: where the browser opens the web client. */
  readonly url: string;
  readonly host: string;
  readonly dataDir: string;
  /** The owner, when the test set one up before starting. */
  readonly owner: AccountRow | undefined;
  /** A token for the owner, issued as `hearth token` does: for the test's own API calls beside the browser. */
  ownerToken(scopes?: string[]): Promise<string>;
  isQueueEmpty(): Promise<boolean>;
  close(): Promise<void>;
}

export interface E2eHearthOptions {
  /** The owner to set up before starting; without it, the data directory is empty and the wizard shows. */
  owner?: { username: string; displayName?: string };
  /** The tunnel runs the stand-in cloudflared, so that the try-out and named tunnels work without Cloudflare. */
  tunnel?: Omit<TunnelOptions, "cloudflaredBin" | "install" | "timing">;
  /** The largest chunk of an archive upload, small so a small archive is sent in several. */
  archiveUploadChunkBytes?: number;
}

/** A real Hearth on a free loopback port with its own data directory, serving the built web client. */
export async function startE2eHearth(label: string, options: E2eHearthOptions = {}): Promise<E2eHearth> {
  const dataDir = makeTempDir(`e2e-${label}`);
  let owner: AccountRow | undefined;
  try {
    if (options.owner) {
      const database = await openDataDirectoryDatabase(dataDir.path);
      try {
        const core = createCoreContext(database.db, systemClock);
        ({ owner } = await setupInstance(core, { username: options.owner.username, password: PASSWORD, displayName: options.owner.displayName }));
      } finally {
        await database.close();
      }
    }
    const running = await startInstance({
      dataDir: dataDir.path,
      port: 0,
      allowPrivateNetwork: true,
      rendererDir: await builtRenderer(),
      archiveUploadChunkBytes: options.archiveUploadChunkBytes,
      tunnel: { ...options.tunnel, cloudflaredBin: STAND_IN_CLOUDFLARED, timing: TUNNEL_TIMING },
    });
    const url = running.localUrl;
    return {
      running,
      url,
      host: new URL(url).host,
      dataDir: dataDir.path,
      owner,
      async ownerToken(scopes = ["read", "write", "follow", "push"]) {
        const account = owner ?? (await running.core.db.selectFrom("accounts").innerJoin("local_users", "local_users.account_id", "accounts.id").selectAll("accounts").where("local_users.role", "=", "owner").executeTakeFirstOrThrow());
        return (await issueCliToken(running.core, account.id, scopes)).token;
      },
      async isQueueEmpty() {
        const result = await sql<{ count: number }>`SELECT count(*) AS count FROM fedify_messages`.execute(running.core.db);
        return result.rows[0]?.count === 0;
      },
      async close() {
        await running.close();
        dataDir.remove();
      },
    };
  } catch (error) {
    dataDir.remove();
    throw error;
  }
}
