import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addLocalAccount, apiUser, statusOf, type ApiUser } from "../helpers/api-accounts.ts";
import { startInstances, type InstanceGroup, type TestInstance } from "../helpers/instances.ts";
import { waitFor } from "../helpers/wait-for.ts";

/** Members of one household talking among themselves: delivered locally, with the visibility rules of any post. */
describe("members of one Hearth", () => {
  let group: InstanceGroup;
  let hearth: TestInstance;
  let owner: ApiUser;
  let ann: ApiUser;
  let bob: ApiUser;
  let cal: ApiUser;

  beforeAll(async () => {
    group = await startInstances([{ username: "olive" }]);
    hearth = group.instances[0]!;
    const user = async (username: string) => apiUser(hearth.core, hearth.url, await addLocalAccount(hearth.core, username));
    owner = await apiUser(hearth.core, hearth.url, hearth.owner);
    [ann, bob, cal] = [await user("ann"), await user("bob"), await user("cal")];
  });
  afterAll(() => group?.close());

  const homeIds = async (user: ApiUser) => (await user.client.v1.timelines.home.list({ limit: 40 })).map((status) => status.id);
  const notified = async (user: ApiUser, type: "mention" | "follow") =>
    (await user.client.v1.notifications.list({ types: [type] })).map((notification) => notification.status?.id ?? notification.account.username);

  it("delivers a direct message between two members to them alone", async () => {
    const dm = await ann.client.v1.statuses.create({ status: "@bob dinner at eight?", visibility: "direct" });
    expect(dm.mentions.map((mention) => mention.acct)).toEqual(["bob"]);

    await waitFor(async () => (await notified(bob, "mention")).includes(dm.id), { what: "bob is notified of ann's message" });
    const conversations = await bob.client.v1.conversations.list();
    expect(conversations.map((conversation) => conversation.lastStatus?.id)).toContain(dm.id);
    expect((await bob.client.v1.statuses.$select(dm.id).fetch()).content).toContain("dinner at eight");
    const reply = await bob.client.v1.statuses.create({ status: "@ann yes!", visibility: "direct", inReplyToId: dm.id });
    await waitFor(async () => (await notified(ann, "mention")).includes(reply.id), { what: "ann is notified of bob's answer" });

    // Nobody else: not the owner, not a third member, not by id, not in any list, not anonymously.
    for (const outsider of [owner, cal]) {
      for (const id of [dm.id, reply.id]) expect(await statusOf(outsider.client.v1.statuses.$select(id).fetch())).toBe(404);
      expect(await homeIds(outsider)).not.toContain(dm.id);
      expect(await notified(outsider, "mention")).toEqual([]);
      expect((await outsider.client.v1.conversations.list()).length).toBe(0);
      expect((await outsider.client.v1.timelines.public.list({ local: true })).map((status) => status.id)).not.toContain(dm.id);
    }
    expect((await fetch(`${hearth.url}/api/v1/statuses/${dm.id}`)).status).toBe(404);
    // The control: the two of them do see it.
    expect(await homeIds(bob)).toContain(dm.id);
    expect(await homeIds(ann)).toContain(reply.id);
  });

  it("notifies a member mentioned by another", async () => {
    const post = await ann.client.v1.statuses.create({ status: "thanks @cal for the bread", visibility: "public" });
    await waitFor(async () => (await notified(cal, "mention")).includes(post.id), { what: "cal is notified of the mention" });
    expect(await notified(bob, "mention")).not.toContain(post.id);
  });

  it("shows a followers-only post to a member who follows its author, not to one who does not", async () => {
    await bob.client.v1.accounts.$select(ann.account.id).follow();
    await waitFor(async () => (await notified(ann, "follow")).includes("bob"), { what: "ann hears that bob follows her" });
    const post = await ann.client.v1.statuses.create({ status: "just for friends", visibility: "private" });

    await waitFor(async () => (await homeIds(bob)).includes(post.id), { what: "the post reaches bob's home" });
    expect((await bob.client.v1.statuses.$select(post.id).fetch()).visibility).toBe("private");
    expect(await statusOf(cal.client.v1.statuses.$select(post.id).fetch())).toBe(404);
    expect(await homeIds(cal)).not.toContain(post.id);
    expect((await cal.client.v1.accounts.$select(ann.account.id).statuses.list()).map((status) => status.id)).not.toContain(post.id);
    expect((await bob.client.v1.accounts.$select(ann.account.id).statuses.list()).map((status) => status.id)).toContain(post.id);
  });

  it("shows the household's public posts on the local timeline", async () => {
    const byBob = await bob.client.v1.statuses.create({ status: "the garden is in bloom", visibility: "public" });
    const byOwner = await owner.client.v1.statuses.create({ status: "welcome, everyone", visibility: "public" });
    const unlisted = await cal.client.v1.statuses.create({ status: "quietly", visibility: "unlisted" });
    const local = (await cal.client.v1.timelines.public.list({ local: true, limit: 40 })).map((status) => status.id);
    expect(local).toEqual(expect.arrayContaining([byBob.id, byOwner.id]));
    expect(local).not.toContain(unlisted.id);
  });
});
