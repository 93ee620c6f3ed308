import { signJsonLd, signObject } from "@fedify/fedify";
import { Create, Mention, Note, PUBLIC_COLLECTION } from "@fedify/vocab";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findAccountByUri } from "../../server/core/accounts/remote-accounts.ts";
import { findStatusByUri } from "../../server/core/statuses/status-store.ts";
import { drained } from "../helpers/federation-statuses.ts";
import { startInstances, type InstanceGroup, type TestInstance } from "../helpers/instances.ts";
import { startKeyedPeer, type KeyedPeer, type PeerActor, type PeerKey } from "../helpers/keyed-peer.ts";
import { waitFor } from "../helpers/wait-for.ts";

/**
 * gina runs Hearth. Y is an honest server with its actor yan; X is hostile: it hosts keys whose documents
 * claim yan as their owner (controller), and delivers activities in yan's name signed with them, while
 * signing the HTTP request with its own actor's valid key. A proof or a Linked Data signature speaks for an
 * actor only if the key is on the actor's origin and the actor's own document lists it.
 */
describe("federation on loopback: object integrity proofs and LD signatures speak only for their own actors", () => {
  let group: InstanceGroup;
  let gina: TestInstance;
  let x: KeyedPeer;
  let y: KeyedPeer;
  let xavier: PeerActor;
  let yan: PeerActor;
  let forgedMultikey: PeerKey;
  let forgedRsaKey: PeerKey;
  let unlistedMultikey: PeerKey;

  beforeAll(async () => {
    group = await startInstances([{ username: "gina" }]);
    [gina] = group.instances as [TestInstance];
    [x, y] = await Promise.all([startKeyedPeer(), startKeyedPeer()]);
    xavier = await x.addActor("xavier");
    yan = await y.addActor("yan");
    forgedMultikey = await x.addStandaloneKey("/keys/yan-ed25519", "ed25519", yan.id);
    forgedRsaKey = await x.addStandaloneKey("/keys/yan-rsa", "rsa", yan.id);
    // On yan's own server, claiming yan, but not in yan's actor document.
    unlistedMultikey = await y.addStandaloneKey("/keys/stray", "ed25519", yan.id);
  });
  afterAll(async () => {
    await group?.close();
    await Promise.all([x?.close(), y?.close()]);
  });

  /** A Create(Note) by yan that mentions gina, so gina stores it if it is taken as yan's. */
  function createByYan(): Create {
    const noteId = new URL(`${yan.id.href}/statuses/${crypto.randomUUID()}`);
    const ginaActor = new URL(gina.actorUri);
    return new Create({
      id: new URL(`${noteId.href}/activity`),
      actor: yan.id,
      to: PUBLIC_COLLECTION,
      cc: ginaActor,
      object: new Note({ id: noteId, attribution: yan.id, to: PUBLIC_COLLECTION, cc: ginaActor, content: "<p>yan says</p>", tags: [new Mention({ href: ginaActor })] }),
    });
  }
  const noteIdOf = (create: Create) => create.objectId?.href ?? "";
  const withProof = async (create: Create, key: PeerKey) => (await signObject(create, key.privateKey, key.id)).toJsonLd({ format: "compact" });
  const withLdSignature = async (create: Create, key: PeerKey) => signJsonLd((await create.toJsonLd({ format: "compact" })) as Record<string, unknown>, key.privateKey, key.id, {});

  async function refused(response: Response, create: Create) {
    expect(response.status).toBe(401);
    await drained(gina);
    expect(await findStatusByUri(gina.core, noteIdOf(create))).toBeUndefined();
  }
  async function storedAsYans(response: Response, create: Create) {
    expect(response.status).toBe(202);
    const status = await waitFor(() => findStatusByUri(gina.core, noteIdOf(create)), { what: "yan's Note on gina" });
    expect(status.account_id).toBe((await findAccountByUri(gina.core, yan.id.href))?.id);
  }

  it("refuses a proof by a Multikey on X whose document names yan as its controller (401, nothing stored)", async () => {
    const create = createByYan();
    const response = await x.deliver(`${gina.url}/inbox`, await withProof(create, forgedMultikey), xavier.rsa);
    const text = await response.clone().text();
    await refused(response, create);
    expect(text).toMatch(/key/i);
  });

  it("refuses a proof by a key on yan's own server that yan's actor document does not list", async () => {
    const create = createByYan();
    await refused(await y.deliver(`${gina.url}/inbox`, await withProof(create, unlistedMultikey), yan.rsa), create);
  });

  it("takes yan's own delivery with a proof by the Multikey yan's actor lists (positive control)", async () => {
    const create = createByYan();
    await storedAsYans(await y.deliver(`${gina.url}/inbox`, await withProof(create, yan.ed25519), yan.rsa), create);
  });

  it("refuses an activity naming yan beside xena, whose document on X lists the key on X that claims yan", async () => {
    // Every key is listed by an actor on its origin (xena), but yan's own document lists none of them.
    const xena = await x.addActor("xena", [{ key: forgedMultikey, owner: yan.id }]);
    const create = createByYan().clone({ actors: [yan.id, xena.id] });
    const signed = await signObject(await signObject(create, xena.ed25519.privateKey, xena.ed25519.id), forgedMultikey.privateKey, forgedMultikey.id);
    await refused(await x.deliver(`${gina.url}/inbox`, await signed.toJsonLd({ format: "compact" }), xavier.rsa), create);
  });

  it("refuses a relayed activity LD-signed by an RSA key on X that claims yan as its owner", async () => {
    const create = createByYan();
    await refused(await x.deliver(`${gina.url}/inbox`, await withLdSignature(create, forgedRsaKey), xavier.rsa), create);
  });

  it("takes yan's LD-signed activity relayed by X, signed with the key yan's actor lists (positive control)", async () => {
    const create = createByYan();
    await storedAsYans(await x.deliver(`${gina.url}/inbox`, await withLdSignature(create, yan.rsa), xavier.rsa), create);
  });
});
