import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { generateCryptoKeyPair, signRequest } from "@fedify/fedify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { favouriteStatus, reblogStatus } from "../../server/core/interactions/interactions.ts";
import { findAccountByUri } from "../../server/core/accounts/remote-accounts.ts";
import { findStatusByUri } from "../../server/core/statuses/status-store.ts";
import { postStatus } from "../../server/core/statuses/statuses.ts";
import { accountRow } from "../helpers/activitypub-fixtures.ts";
import { apiUser, statusOf, type ApiUser } from "../helpers/api-accounts.ts";
import { arrivedOn, drained, follow, homeFeed, statusUri } from "../helpers/federation-statuses.ts";
import { startInstances, type InstanceGroup, type TestInstance } from "../helpers/instances.ts";
import { signedSender } from "../helpers/signed-requests.ts";

const PUBLIC = "https://www.w3.org/ns/activitystreams#Public";

/** A server whose every document is gone, as Mastodon answers for a deleted account. */
async function goneServer(): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((_request, response) => {
    response.writeHead(410, { "Content-Type": "application/json" }).end(JSON.stringify({ error: "Gone" }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe("a remote account deleted by its server", () => {
  let group: InstanceGroup;
  let jo: TestInstance;
  let kim: TestInstance;
  let joApi: ApiUser;

  beforeAll(async () => {
    group = await startInstances([{ username: "jo" }, { username: "kim" }]);
    [jo, kim] = group.instances as [TestInstance, TestInstance];
    joApi = await apiUser(jo.core, jo.url, jo.owner);
  });
  afterAll(() => group?.close());

  it("is forgotten on its signed Delete of itself: its statuses, our boost of them, and the follows both ways", async () => {
    await follow(jo, kim);
    await follow(kim, jo);
    const first = await postStatus(kim.core, { accountId: kim.owner.id, text: "Hello from kim" }, { origin: kim.url });
    const second = await postStatus(kim.core, { accountId: kim.owner.id, text: "Still here" }, { origin: kim.url });
    const firstThere = await arrivedOn(jo, statusUri(kim, first));
    const secondThere = await arrivedOn(jo, statusUri(kim, second));
    await reblogStatus(jo.core, jo.owner.id, firstThere.id);
    await favouriteStatus(jo.core, jo.owner.id, secondThere.id, { origin: jo.url });
    const kimThere = await findAccountByUri(jo.core, kim.actorUri);
    if (!kimThere) throw new Error("jo does not know kim");
    expect(await joApi.client.v1.accounts.verifyCredentials()).toMatchObject({ followersCount: 1, followingCount: 1 });
    const joBoosts = () => jo.core.db.selectFrom("statuses").select("id").where("account_id", "=", jo.owner.id).where("reblog_of_id", "is not", null).execute();
    expect(await joBoosts()).toHaveLength(1);
    expect((await homeFeed(jo)).map((status) => status.uri)).toEqual([statusUri(kim, second), statusUri(kim, first)]);

    const sent = await (await signedSender(kim)).post(`${jo.url}/inbox`, {
      "@context": "https://www.w3.org/ns/activitystreams",
      id: `${kim.actorUri}#delete`,
      type: "Delete",
      actor: kim.actorUri,
      object: kim.actorUri,
      to: [PUBLIC],
    });
    expect(sent.status).toBe(202);
    await drained(jo);

    expect(await findAccountByUri(jo.core, kim.actorUri)).toBeUndefined();
    expect(await findStatusByUri(jo.core, statusUri(kim, first))).toBeUndefined();
    expect(await findStatusByUri(jo.core, statusUri(kim, second))).toBeUndefined();
    expect(await homeFeed(jo)).toEqual([]);
    expect(await joBoosts()).toEqual([]);
    expect(await joApi.client.v1.accounts.verifyCredentials()).toMatchObject({ followersCount: 0, followingCount: 0, statusesCount: 0 });
    expect(await statusOf(joApi.client.v1.accounts.$select(kimThere.id).fetch())).toBe(404);
    expect(await joApi.client.v1.favourites.list()).toEqual([]);
  });

  it("is forgotten on an unverifiable Delete of itself when its server answers 410 Gone for its key, and only then", async () => {
    const gone = await goneServer();
    try {
      const actor = `${gone.url}/users/gone`;
      await jo.core.db.insertInto("accounts").values(accountRow(jo.core.ids.next(), actor)).execute();
      const account = await findAccountByUri(jo.core, actor);
      if (!account) throw new Error("the account was not stored");
      await jo.core.db
        .insertInto("statuses")
        .values({
          id: jo.core.ids.next(),
          account_id: account.id,
          uri: `${actor}/statuses/1`,
          url: null,
          local: 0,
          visibility: "public",
          content: "<p>old words</p>",
          created_at: new Date().toISOString(),
          updated_at: new Date().toISOString(),
        })
        .execute();
      const { privateKey } = await generateCryptoKeyPair("RSASSA-PKCS1-v1_5");
      const deliver = async (activity: Record<string, unknown>, keyId: string) => {
        const request = new Request(`${jo.url}/inbox`, {
          method: "POST",
          headers: { "Content-Type": "application/activity+json" },
          body: JSON.stringify({ "@context": "https://www.w3.org/ns/activitystreams", actor, to: [PUBLIC], ...activity }),
        });
        return (await fetch(await signRequest(request, privateKey, new URL(keyId), { spec: "draft-cavage-http-signatures-12" }))).status;
      };

      // Gone keys prove nothing else: a Delete of one status, or a key that is not the actor's own document.
      expect(await deliver({ id: `${actor}/statuses/1#delete`, type: "Delete", object: `${actor}/statuses/1` }, `${actor}#main-key`)).toBe(401);
      expect(await deliver({ id: `${actor}#delete`, type: "Delete", object: actor }, `${gone.url}/keys/1`)).toBe(401);
      expect(await findAccountByUri(jo.core, actor)).toBeDefined();
      expect(await findStatusByUri(jo.core, `${actor}/statuses/1`)).toBeDefined();

      expect(await deliver({ id: `${actor}#delete`, type: "Delete", object: actor }, `${actor}#main-key`)).toBe(202);
      expect(await findAccountByUri(jo.core, actor)).toBeUndefined();
      expect(await findStatusByUri(jo.core, `${actor}/statuses/1`)).toBeUndefined();
    } finally {
      await gone.close();
    }
  });
});
