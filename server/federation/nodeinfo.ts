import type { Federation, NodeInfo } from "@fedify/fedify";
import type { CoreContext } from "../core/context.ts";
import { getInstanceUsage } from "../core/instance/instance-usage.ts";
import { HEARTH_VERSION } from "../version.ts";

/** What software we are and how busy: the one NodeInfo document, served as 2.1 by Fedify and as 2.0 by http/. */
export async function nodeInfoDocument(core: CoreContext): Promise<NodeInfo> {
  const usage = await getInstanceUsage(core);
  return {
    software: { name: "hearth", version: HEARTH_VERSION },
    protocols: ["activitypub"],
    services: { inbound: [], outbound: [] },
    // A home server belongs to its owner; others join by invitation only.
    openRegistrations: false,
    usage: { users: usage.users, localPosts: usage.localPosts, localComments: 0 },
    metadata: {},
  };
}

export function registerNodeInfo(federation: Federation<CoreContext>): void {
  federation.setNodeInfoDispatcher("/nodeinfo/2.1", (ctx) => nodeInfoDocument(ctx.data));
}
