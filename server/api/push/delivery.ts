import { getLogger } from "@logtape/logtape";
import type { CoreContext } from "../../core/context.ts";
import {
  deletePushSubscriptionById,
  listLivePushSubscriptions,
  loadPushNotificationFacts,
  policyAllows,
  pushAlertsOf,
  type PushAlertType,
} from "../../core/notifications/push-subscriptions.ts";
import { getVapidKeys } from "../../core/notifications/vapid-keys.ts";
import { toPushNotificationPayload } from "./notification-payload.ts";
import type { PushSubscriptionRow } from "../../core/rows.ts";

const logger = getLogger(["hearth", "push"]);

// Mastodon's Web::PushNotificationWorker: a notification older than two days is not worth waking a phone for.
const TTL_SECONDS = 48 * 60 * 60;
const DEFAULT_TIMEOUT_MS = 15_000;

export interface PushDeliveryOptions {
  core: CoreContext;
  origin(): string;
  /** --allow-private-network: only then may an endpoint be over plain http. */
  allowPrivateNetwork: boolean;
  /**
   * The instance's guarded fetch (server/net/): an endpoint on this machine or the LAN is refused when its
   * socket connects, unless private networks are allowed.
   */
  fetch(input: string, init: RequestInit): Promise<Response>;
  timeoutMs?: number;
}

export interface PushDelivery {
  /** Waits for pushes under way, so the database outlives them. */
  stop(): Promise<void>;
}

/**
 * A push service is an address an app chose, so it is reached only where a peer could be: over https (the
 * guarded fetch keeps it off private addresses), or over anything when the instance was told private networks
 * are fine (tests).
 */
function isEndpointAllowed(endpoint: URL, options: PushDeliveryOptions): boolean {
  return endpoint.protocol === "https:" || (endpoint.protocol === "http:" && options.allowPrivateNetwork);
}

/** The VAPID subject must be https: or mailto:; an instance on plain http (local use, tests) names its host. */
function vapidSubject(origin: string): string {
  const url = new URL(origin);
  return url.protocol === "https:" ? url.origin : `https://${url.host}`;
}

/** Sends Web Push messages for new notifications to the subscriptions that asked for them. */
export function startPushDelivery(options: PushDeliveryOptions): PushDelivery {
  const { core } = options;
  const underWay = new Set<Promise<void>>();

  async function send(subscription: PushSubscriptionRow, payload: string): Promise<void> {
    const endpoint = new URL(subscription.endpoint);
    if (!isEndpointAllowed(endpoint, options)) {
      logger.warn("Not pushing to {host}: a push service must be on https.", { host: endpoint.host });
      return;
    }
    const keys = await getVapidKeys(core);
    // Loaded with the first push, not at start: web-push brings its own ASN.1 and JWT libraries, and most
    // instances have no subscription for a long while (issue #19).
    const { default: webPush } = await import("web-push");
    // web-push encrypts (RFC 8291, or the older aesgcm draft) and signs the VAPID header; the request is
    // ours, so it carries our timeout and works for http endpoints, which web-push's own sender refuses.
    const request = webPush.generateRequestDetails({ endpoint: subscription.endpoint, keys: { p256dh: subscription.p256dh, auth: subscription.auth } }, payload, {
      vapidDetails: { subject: vapidSubject(options.origin()), publicKey: keys.publicKey, privateKey: keys.privateKey },
      contentEncoding: subscription.standard === 1 ? "aes128gcm" : "aesgcm",
      TTL: TTL_SECONDS,
      urgency: "normal",
    });
    const headers = new Headers(request.headers);
    headers.delete("content-length");
    const response = await options.fetch(request.endpoint, {
      method: "POST",
      headers,
      body: new Uint8Array(request.body),
      redirect: "manual",
      signal: AbortSignal.timeout(options.timeoutMs ?? DEFAULT_TIMEOUT_MS),
    });
    await response.body?.cancel();
    if (response.status === 404 || response.status === 410) {
      // RFC 8030 §6.2: the subscription has expired or been withdrawn; it will never work again.
      await deletePushSubscriptionById(core, subscription.id);
      logger.info("The push service at {host} no longer knows a subscription; removed it.", { host: endpoint.host });
    } else if (!response.ok) {
      logger.warn("The push service at {host} answered {status}.", { host: endpoint.host, status: response.status });
    }
  }

  async function deliver(notificationId: string, accountId: string): Promise<void> {
    const subscriptions = await listLivePushSubscriptions(core, accountId);
    if (subscriptions.length === 0) return;
    const facts = await loadPushNotificationFacts(core, notificationId);
    if (!facts) return;
    for (const subscription of subscriptions) {
      if (pushAlertsOf(subscription)[facts.type as PushAlertType] !== true) continue;
      if (!(await policyAllows(core, subscription.policy, accountId, facts.from.id))) continue;
      const payload = JSON.stringify(toPushNotificationPayload(facts, subscription.access_token, options.origin()));
      try {
        await send(subscription, payload);
      } catch (error) {
        logger.warn("Could not push notification {id} to {host}: {error}", { id: notificationId, host: new URL(subscription.endpoint).host, error });
      }
    }
  }

  const unsubscribe = core.events.subscribe((event) => {
    if (event.type !== "notification.created") return;
    const delivery = deliver(event.notificationId, event.accountId)
      .catch((error: unknown) => logger.error("Pushing notification {id} failed: {error}", { id: event.notificationId, error }))
      .finally(() => underWay.delete(delivery));
    underWay.add(delivery);
  });

  return {
    async stop() {
      unsubscribe();
      await Promise.all(underWay);
    },
  };
}
