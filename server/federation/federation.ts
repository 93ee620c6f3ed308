import { createFederation, type Federation, type KvStore, type MessageQueue } from "@fedify/fedify";
import type { CoreContext } from "../core/context.ts";
import { registerActors } from "./actors.ts";
import { registerCollections } from "./collections.ts";
import {
  deliveryCircuitBreaker,
  deliveryRetryPolicy,
  PERMANENT_FAILURE_STATUS_CODES,
  registerPermanentFailureHandler,
  type DeliveryTiming,
} from "./delivery-policy.ts";
import { GoneBeforeArrival } from "./inbox/gone-before-arrival.ts";
import { reusePublicKeyParses } from "./inbox/public-key-parses.ts";
import { registerInbox } from "./inbox/index.ts";
import { RefusedActivityIds } from "./inbox/refused-activity-ids.ts";
import { HEARTH_VERSION } from "../version.ts";
import { registerNodeInfo } from "./nodeinfo.ts";
import { registerStatusObjects } from "./objects.ts";
import { reusePrivateKeyImports } from "./outbox/private-key-imports.ts";
import { dropDeliveriesToPrivateInboxes, type PrivateInboxGuardOptions } from "./outbox/private-inbox-guard.ts";
import { FIRST_SIGNATURE_FORMAT, SIGNATURE_FORMAT_PREFIX, withoutSignatureFormatMemory } from "./signature-format.ts";

export interface FederationDependencies {
  kv: KvStore;
  queue: MessageQueue;
  /**
   * The canonical origin: ids are the same whether a request came through the tunnel or on loopback.
   * Undefined while the instance has no fixed address (a quick tunnel's changes on every start): Fedify then
   * takes it from the request URL, which http/canonical-url.ts has already rewritten to the current address.
   */
  origin: string | undefined;
  allowPrivateNetwork: boolean;
  /** Where deliveries may go, and how queued work runs with the instance's guarded fetch (startInstance's). */
  outgoing?: PrivateInboxGuardOptions;
  /** For the delivery policy's bookkeeping (peer health, followers gone for good). */
  core: CoreContext;
  /** Tests only: shorter delivery retries than the published two days. */
  deliveryTiming?: DeliveryTiming;
}

/**
 * Context data handed to Fedify's dispatchers and listeners: core, which they read and write through.
 * Requests get it from the HTTP mount, queued work from startQueue.
 */
export type FederationContextData = CoreContext;

export function createHearthFederation(deps: FederationDependencies): Federation<FederationContextData> {
  reusePrivateKeyImports();
  reusePublicKeyParses();
  // The inbox's memory belongs to this federation alone, never to the process.
  const inboxMemory = { refusedIds: new RefusedActivityIds(), goneBeforeArrival: new GoneBeforeArrival() };
  const federation = createFederation<FederationContextData>({
    kv: withoutSignatureFormatMemory(inboxMemory.refusedIds.withoutRefusedMarks(deps.kv)),
    kvPrefixes: { httpMessageSignaturesSpec: SIGNATURE_FORMAT_PREFIX },
    queue: dropDeliveriesToPrivateInboxes(deps.queue, deps.outgoing ?? { policy: { allowPrivateNetwork: deps.allowPrivateNetwork }, within: (work) => work() }),
    origin: deps.origin,
    // Also makes Fedify's document loader (cached in the KvStore) refuse private and loopback addresses
    // unless the instance runs with --allow-private-network.
    allowPrivateAddress: deps.allowPrivateNetwork,
    // The queue is started by startInstance with an abort signal, so close() can stop it cleanly.
    manuallyStartQueue: true,
    // Some peers (snac2, GoToSocial) answer 202 to an RFC 9421 signature they cannot verify and then drop
    // the activity, so Fedify would never fall back; draft-cavage first is what every peer accepts, and
    // signature-format.ts keeps it first whatever a host once answered.
    firstKnock: FIRST_SIGNATURE_FORMAT,
    userAgent: { software: `Hearth/${HEARTH_VERSION}` },
    outboxRetryPolicy: deliveryRetryPolicy({ timing: deps.deliveryTiming }),
    permanentFailureStatusCodes: PERMANENT_FAILURE_STATUS_CODES,
    circuitBreaker: deliveryCircuitBreaker(deps.core, deps.deliveryTiming),
  });
  registerPermanentFailureHandler(federation);
  registerActors(federation);
  registerCollections(federation);
  registerNodeInfo(federation);
  registerStatusObjects(federation);
  registerInbox(federation, inboxMemory);
  return federation;
}
