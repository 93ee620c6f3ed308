import type { MessageQueue } from "@fedify/fedify";
import { getLogger } from "@logtape/logtape";
import { isReachable, type OutgoingPolicy } from "../../net/outgoing-policy.ts";

const logger = getLogger(["hearth", "federation", "delivery"]);

export interface PrivateInboxGuardOptions {
  policy: OutgoingPolicy;
  /** Runs a queued job in the instance's own context, where fetch() is its guarded fetch (net/fetch-routing.ts). */
  within<T>(work: () => T): T;
}

interface OutboxMessage {
  type: "outbox";
  inbox: string;
  activityType?: string;
  activityId?: string;
}

function isOutboxMessage(message: unknown): message is OutboxMessage {
  const candidate = message as Partial<OutboxMessage> | null;
  return typeof candidate === "object" && candidate !== null && candidate.type === "outbox" && typeof candidate.inbox === "string";
}

async function isInboxReachable(inbox: string, policy: OutgoingPolicy): Promise<boolean> {
  try {
    return await isReachable(new URL(inbox), policy);
  } catch {
    return false;
  }
}

/**
 * Fedify's queue, with deliveries to an inbox on a private address (named by a remote actor: its inbox or
 * sharedInbox on loopback or the LAN) dropped with a log line before Fedify sends them. The guarded fetch
 * would refuse them too, but Fedify would take that for a passing failure and retry for two days; what was
 * written locally (a follow, a mention) stands either way.
 */
export function dropDeliveriesToPrivateInboxes(queue: MessageQueue, options: PrivateInboxGuardOptions): MessageQueue {
  const guarded: MessageQueue = {
    nativeRetrial: queue.nativeRetrial,
    enqueue: (message, enqueueOptions) => queue.enqueue(message, enqueueOptions),
    listen: (handler, listenOptions) =>
      queue.listen(
        (message: unknown) =>
          options.within(async () => {
            if (isOutboxMessage(message) && !(await isInboxReachable(message.inbox, options.policy))) {
              logger.warn("Not delivering {activityType} {activityId} to {inbox}: it is on a private network, which this instance does not reach (--allow-private-network).", {
                activityType: message.activityType,
                activityId: message.activityId,
                inbox: message.inbox,
              });
              return;
            }
            await handler(message);
          }),
        listenOptions,
      ),
  };
  if (queue.enqueueMany) guarded.enqueueMany = (messages, enqueueOptions) => queue.enqueueMany!(messages, enqueueOptions);
  if (queue.getDepth) guarded.getDepth = () => queue.getDepth!();
  return guarded;
}
