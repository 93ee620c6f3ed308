import type { Federation } from "@fedify/fedify";
import type { CoreContext } from "../core/context.ts";
import { getInstanceUsage } from "../core/instance-usage.ts";
import { HEARTH_VERSION } from "../version.ts";

/** NodeInfo 2.1 (Fedify serves /.well-known/nodeinfo pointing here): what software we are and how busy. */
export function registerNodeInfo(federation: Federation<CoreContext>): void {
  federation.setNodeInfoDispatcher("/nodeinfo/2.1", async (ctx) => {
    const usage = await getInstanceUsage(ctx.data);
    return {
      software: { name: "hearth", version: HEARTH_VERSION },
      protocols: ["activitypub"],
      services: { inbound: [], outbound: [] },
      // A home server belongs to its owner; others join by invitation only.
      openRegistrations: false,
      usage: { users: usage.users, localPosts: usage.localPosts, localComments: 0 },
      metadata: {},
    };
  });
}
