import { createFederation, type Federation, type KvStore, type MessageQueue } from "@fedify/fedify";

export interface FederationDependencies {
  kv: KvStore;
  queue: MessageQueue;
  /** The canonical origin: ids are the same whether a request came through the tunnel or on loopback. */
  origin: string;
  allowPrivateNetwork: boolean;
}

/** Context data handed to Fedify's dispatchers and listeners; it grows as federation does. */
export type FederationContextData = void;

export function createHearthFederation(deps: FederationDependencies): Federation<FederationContextData> {
  return createFederation<FederationContextData>({
    kv: deps.kv,
    queue: deps.queue,
    origin: deps.origin,
    allowPrivateAddress: deps.allowPrivateNetwork,
    // The queue is started by startInstance with an abort signal, so close() can stop it cleanly.
    manuallyStartQueue: true,
    // Some peers (snac2, GoToSocial) answer 202 to an RFC 9421 signature they cannot verify and then drop
    // the activity, so Fedify would never fall back; draft-cavage first is what every peer accepts.
    firstKnock: "draft-cavage-http-signatures-12",
    userAgent: { software: "Hearth/0.1.0" },
  });
}
