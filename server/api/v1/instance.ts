import { Hono } from "hono";
import { findOwnerAccount } from "../../core/accounts.ts";
import type { CoreContext } from "../../core/context.ts";
import { listKnownDomains, getInstance } from "../../core/instance.ts";
import { getInstanceUsage } from "../../core/instance-usage.ts";
import { getVapidKeys } from "../../core/vapid-keys.ts";
import type { ApiEnv } from "../env.ts";
import { renderAccount } from "../entities/account-list.ts";
import { toInstanceV1, toInstanceV2, type InstanceFacts } from "../entities/instance.ts";

export interface InstanceRoutesDependencies {
  core: CoreContext;
  origin(): string;
}

async function gatherFacts(core: CoreContext, origin: string): Promise<InstanceFacts> {
  const [instance, ownerRow, usage, domains, vapidKeys] = await Promise.all([
    getInstance(core),
    findOwnerAccount(core),
    getInstanceUsage(core),
    listKnownDomains(core),
    getVapidKeys(core),
  ]);
  const owner = ownerRow ? await renderAccount(core, ownerRow, origin) : null;
  return { instance, origin, owner, usage, domainCount: domains.length, thumbnailUrl: owner?.avatar ?? `${origin}/avatars/original/missing.png`, vapidPublicKey: vapidKeys.publicKey };
}

/** Public: apps read these before anyone signs in. Peers and apps poll them, so the edge may cache briefly. */
export function instanceRoutes({ core, origin }: InstanceRoutesDependencies): { v1: Hono<ApiEnv>; v2: Hono<ApiEnv> } {
  const v1 = new Hono<ApiEnv>();
  v1.get("/", async (c) => {
    c.header("Cache-Control", "public, max-age=60");
    return c.json(toInstanceV1(await gatherFacts(core, origin())));
  });
  v1.get("/rules", (c) => c.json([]));
  v1.get("/peers", async (c) => c.json(await listKnownDomains(core)));
  v1.get("/extended_description", async (c) => {
    const instance = await getInstance(core);
    return c.json({ updated_at: instance?.created_at ?? new Date(0).toISOString(), content: instance?.description ?? "" });
  });

  const v2 = new Hono<ApiEnv>();
  v2.get("/", async (c) => {
    c.header("Cache-Control", "public, max-age=60");
    return c.json(toInstanceV2(await gatherFacts(core, origin())));
  });
  return { v1, v2 };
}
