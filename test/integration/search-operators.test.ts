import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CoreContext } from "../../server/core/context.ts";
import { attachPreviewCard, savePreviewCard, type PreviewCardType, type StoredPreviewCard } from "../../server/core/statuses/preview-cards.ts";
import { parseSearchQuery } from "../../server/core/search/search-query.ts";
import { searchStatusText } from "../../server/core/search/status-search.ts";
import { postStatus } from "../../server/core/statuses/statuses.ts";
import { addLocalAccount, apiUser, errorOf, type ApiUser } from "../helpers/api-accounts.ts";
import { startInstances, type InstanceGroup, type TestInstance } from "../helpers/instances.ts";
import { twoColours } from "../helpers/media-fixtures.ts";

/**
 * Mastodon's search operators through /api/v2/search, each beside a status it must leave out, so that no
 * check can pass by finding everything or nothing.
 */
describe("searching statuses with Mastodon's operators", () => {
  let group: InstanceGroup;
  let home: TestInstance;
  let alice: ApiUser;
  let bea: ApiUser;
  let cid: ApiUser;

  beforeAll(async () => {
    group = await startInstances([{ username: "alice" }]);
    [home] = group.instances as [TestInstance];
    alice = await apiUser(home.core, home.url, home.owner);
    bea = await apiUser(home.core, home.url, await addLocalAccount(home.core, "bea"));
    cid = await apiUser(home.core, home.url, await addLocalAccount(home.core, "cid"));
  });
  afterAll(() => group?.close());

  const post = (user: ApiUser, text: string, extra: Partial<Parameters<typeof postStatus>[1]> = {}, core: CoreContext = home.core) =>
    postStatus(core, { accountId: user.account.id, text, visibility: "public", ...extra }, { origin: home.url });
  const ids = async (user: ApiUser, q: string, extra: Record<string, string | number> = {}) =>
    (await user.client.v2.search.list({ q, type: "statuses", ...extra })).statuses.map((status) => status.id);
  const sorted = (list: readonly string[]) => [...list].sort();

  it("from: me, a local name, name@ourhost and -from:; an unknown account finds nothing", async () => {
    const byAlice = await post(alice, "marmalade pot");
    const byBea = await post(bea, "marmalade jar");
    const byCid = await post(cid, "marmalade toast");
    expect(sorted(await ids(alice, "marmalade"))).toEqual(sorted([byAlice.id, byBea.id, byCid.id]));
    expect(await ids(alice, "from:me marmalade")).toEqual([byAlice.id]);
    expect(await ids(alice, "from:bea marmalade")).toEqual([byBea.id]);
    expect(await ids(alice, `from:@cid@${home.host} marmalade`)).toEqual([byCid.id]);
    expect(sorted(await ids(alice, "-from:bea marmalade"))).toEqual(sorted([byAlice.id, byCid.id]));
    expect(await ids(alice, "from:nobody marmalade")).toEqual([]);
    // Operators alone, newest first.
    expect(await ids(bea, "from:me")).toEqual([byBea.id]);
  });

  it("has:media|poll|link|embed and is:reply|sensitive, and their negations", async () => {
    const photo = await twoColours(8, 8).png().toBuffer();
    const upload = await alice.client.v1.media.create({ file: new Blob([photo], { type: "image/png" }) });
    const picture = await alice.client.v1.statuses.create({ status: "croquet picture", mediaIds: [upload.id] });
    const poll = await alice.client.v1.statuses.create({ status: "croquet poll", poll: { options: ["yes", "no"], expiresIn: 3600 } });
    const link = await post(alice, "croquet link");
    const embed = await post(alice, "croquet embed");
    await card(link.id, "https://example.com/page", "link");
    await card(embed.id, "https://example.com/video", "video");
    const reply = await alice.client.v1.statuses.create({ status: "croquet reply", inReplyToId: link.id });
    const warned = await alice.client.v1.statuses.create({ status: "croquet warned", spoilerText: "flamingos" });
    const plain = await post(alice, "croquet plain");
    const all = [picture.id, poll.id, link.id, embed.id, reply.id, warned.id, plain.id];
    expect(sorted(await ids(alice, "croquet"))).toEqual(sorted(all));

    expect(await ids(alice, "croquet has:media")).toEqual([picture.id]);
    expect(await ids(alice, "croquet has:image")).toEqual([picture.id]);
    expect(await ids(alice, "croquet has:video")).toEqual([]);
    expect(sorted(await ids(alice, "croquet -has:media"))).toEqual(sorted(all.filter((id) => id !== picture.id)));
    expect(await ids(alice, "croquet has:poll")).toEqual([poll.id]);
    expect(sorted(await ids(alice, "croquet has:link"))).toEqual(sorted([link.id, embed.id]));
    expect(await ids(alice, "croquet has:embed")).toEqual([embed.id]);
    expect(await ids(alice, "croquet is:reply")).toEqual([reply.id]);
    expect(await ids(alice, "croquet is:sensitive")).toEqual([warned.id]);
    expect(sorted(await ids(alice, "croquet -is:sensitive -is:reply -has:link -has:media -has:poll"))).toEqual([plain.id]);
    const refused = await errorOf(Promise.resolve(alice.client.v2.search.list({ q: "croquet has:kittens", type: "statuses" })));
    expect(refused.status).toBe(422);
    expect(refused.message).toMatch(/has: takes one of media/);
  });

  async function card(statusId: string, url: string, type: PreviewCardType): Promise<void> {
    const stored: StoredPreviewCard = {
      url, title: "A page", description: "", type, authorName: "", authorUrl: "", providerName: "", providerUrl: "",
      html: "", width: 0, height: 0, imageFile: null, imageRemoteUrl: null, imageDescription: "", embedUrl: "", blurhash: null, publishedAt: null, language: null,
    };
    const saved = await savePreviewCard(home.core, url, stored);
    expect(await attachPreviewCard(home.core, statusId, saved.id)).toBe(true);
  }

  it("language:, and before:/after:/during: as whole UTC days", async () => {
    const german = await post(alice, "Apfelstrudel mit Sahne", { language: "de" });
    const english = await post(alice, "Apfelstrudel with cream", { language: "en" });
    expect(await ids(alice, "Apfelstrudel language:de")).toEqual([german.id]);
    expect(await ids(alice, "Apfelstrudel language:EN-gb")).toEqual([english.id]);
    expect(await ids(alice, "Apfelstrudel -language:de")).toEqual([english.id]);

    const at = (iso: string): CoreContext => ({ ...home.core, clock: { now: () => new Date(iso) } });
    const first = await post(alice, "jabberwock one", {}, at("2023-06-15T23:59:59.000Z"));
    const second = await post(alice, "jabberwock two", {}, at("2023-06-16T00:00:00.000Z"));
    const third = await post(alice, "jabberwock three", {}, at("2023-06-17T00:00:00.000Z"));
    expect(await ids(alice, "jabberwock before:2023-06-16")).toEqual([first.id]);
    expect(await ids(alice, "jabberwock during:2023-06-16")).toEqual([second.id]);
    expect(await ids(alice, "jabberwock after:2023-06-16")).toEqual([third.id]);
    expect(sorted(await ids(alice, "jabberwock -before:2023-06-16"))).toEqual(sorted([second.id, third.id]));
    const refused = await errorOf(Promise.resolve(alice.client.v2.search.list({ q: "jabberwock before:2023-13-01", type: "statuses" })));
    expect(refused.status).toBe(422);
    expect(refused.message).toMatch(/YYYY-MM-DD/);
  });

  it("in:library is what the viewer wrote, was mentioned in, favourited, bookmarked or boosted; in:public the public statuses of indexable accounts", async () => {
    await bea.client.v1.accounts.updateCredentials({ indexable: true } as Parameters<typeof bea.client.v1.accounts.updateCredentials>[0]);
    const mine = await post(alice, "gryphon mine");
    const favourited = await post(bea, "gryphon favourited");
    const bookmarked = await post(cid, "gryphon bookmarked");
    const boosted = await post(cid, "gryphon boosted");
    const mention = await post(bea, "gryphon for @alice");
    const stranger = await post(cid, "gryphon stranger");
    const quiet = await post(bea, "gryphon quiet", { visibility: "unlisted" });
    await alice.client.v1.statuses.$select(favourited.id).favourite();
    await alice.client.v1.statuses.$select(bookmarked.id).bookmark();
    await alice.client.v1.statuses.$select(boosted.id).reblog();

    expect(sorted(await ids(alice, "gryphon in:library"))).toEqual(sorted([mine.id, favourited.id, bookmarked.id, boosted.id, mention.id]));
    expect(sorted(await ids(alice, "gryphon in:public"))).toEqual(sorted([favourited.id, mention.id]));
    expect(sorted(await ids(alice, "gryphon in:all"))).toEqual(sorted([mine.id, favourited.id, bookmarked.id, boosted.id, mention.id, stranger.id, quiet.id]));
    expect(sorted(await ids(alice, "gryphon"))).toEqual(sorted(await ids(alice, "gryphon in:all")));
  });

  it('"phrases" keep their words together and in order; -word and -"phrase" leave statuses out', async () => {
    const laughed = await post(alice, "the mad hatter laughed");
    const wasMad = await post(alice, "the hatter was mad");
    expect(sorted(await ids(alice, "mad hatter"))).toEqual(sorted([laughed.id, wasMad.id]));
    expect(await ids(alice, '"mad hatter"')).toEqual([laughed.id]);
    expect(await ids(alice, "hatter -laughed")).toEqual([wasMad.id]);
    expect(await ids(alice, 'hatter -"mad hatter"')).toEqual([wasMad.id]);
    // Not a phrase unless closed: the quote is a character of the word.
    expect(sorted(await ids(alice, '"mad hatter'))).toEqual(sorted([laughed.id, wasMad.id]));
  });

  it("finds Chinese, Japanese and Korean text, and parts of words the word index does not hold", async () => {
    const tokyo = await post(alice, "今日は東京で寿司を食べました");
    const osaka = await post(alice, "明日は大阪へ行きます");
    const seoul = await post(alice, "서울에서 김치를 먹었어요");
    expect(await ids(alice, "東京で寿司")).toEqual([tokyo.id]);
    expect(await ids(alice, "寿司")).toEqual([tokyo.id]);
    expect(await ids(alice, "大阪")).toEqual([osaka.id]);
    expect(await ids(alice, "김치를")).toEqual([seoul.id]);
    expect(await ids(alice, "-東京 は")).not.toContain(tokyo.id);
    expect(await ids(alice, "名古屋")).toEqual([]);

    const unbirthday = await post(alice, "An unbirthday celebration");
    expect(await ids(alice, "birthd")).toEqual([unbirthday.id]);
    expect(await ids(alice, "BIRTHDAY")).toEqual([unbirthday.id]);
    expect(await ids(alice, "birthdays")).toEqual([]);

    // The trigram index follows edits and deletions.
    await alice.client.v1.statuses.$select(tokyo.id).update({ status: "今日は京都で天ぷらを食べました" });
    expect(await ids(alice, "東京で寿司")).toEqual([]);
    expect(await ids(alice, "京都で天ぷら")).toEqual([tokyo.id]);
    await alice.client.v1.statuses.$select(tokyo.id).remove();
    expect(await ids(alice, "京都で天ぷら")).toEqual([]);
  });

  it("ranks by FTS5's bm25 first and recency second, and pages by offset and max_id", async () => {
    const best = await post(alice, "snark snark snark");
    const older = await post(alice, "a snark among many other words that make it a weaker match for the hunt");
    const newer = await post(alice, "a snark among many other words that make it a weaker match for the hunt");
    expect(await ids(alice, "snark")).toEqual([best.id, newer.id, older.id]);
    expect(await ids(alice, "snark", { limit: 1, offset: 1 })).toEqual([newer.id]);
    expect(await ids(alice, "snark", { maxId: newer.id })).toEqual([best.id, older.id]);
    expect(await ids(alice, "snark", { minId: best.id })).toEqual([newer.id, older.id]);
  });

  it("fills a page from further matches when the best ones are hidden from the viewer", async () => {
    // More private statuses than the first batch of matches read, all ranked above the public ones.
    const hidden = [];
    for (let n = 0; n < 45; n++) hidden.push(await post(bea, "quokka quokka quokka", { visibility: "private" }));
    const older = await post(cid, "a quokka among many other words that make it a weaker match for the hunt");
    const newer = await post(cid, "a quokka among many other words that make it a weaker match for the hunt");
    expect(await ids(alice, "quokka", { limit: 2 })).toEqual([newer.id, older.id]);
    expect(await ids(alice, "quokka", { limit: 1, offset: 1 })).toEqual([older.id]);
    // Their author sees them, best first.
    expect(await ids(bea, "quokka", { limit: 2 })).toEqual([hidden[44]!.id, hidden[43]!.id]);
  });

  it("orders parts of words newest first, as Mastodon orders search, and pages them by max_id", async () => {
    const older = await post(alice, "xylophonist xylophonist xylophonist");
    const newer = await post(alice, "one xylophonist among many other words that make it a weaker match");
    expect(await ids(alice, "lophon")).toEqual([newer.id, older.id]);
    expect(await ids(alice, "lophon", { maxId: newer.id })).toEqual([older.id]);
    expect(await ids(alice, "lophon", { limit: 1, offset: 1 })).toEqual([older.id]);
  });

  it("orders a word with more matches than are ranked newest first, and ranks it at the limit", async () => {
    const best = await post(alice, "walrus walrus walrus");
    const older = await post(alice, "a walrus among many other words that make it a weaker match for the hunt");
    const newer = await post(alice, "a walrus among many other words that make it a weaker match for the hunt");
    const search = (maxRankedMatches?: number) =>
      searchStatusText(home.core, { query: parseSearchQuery("walrus"), viewerId: alice.account.id, origin: home.url, limit: 20, offset: 0, maxRankedMatches });
    const idsOf = async (rows: Promise<{ id: string }[]>) => (await rows).map((row) => row.id);
    expect(await idsOf(search())).toEqual([best.id, newer.id, older.id]);
    expect(await idsOf(search(3))).toEqual([best.id, newer.id, older.id]);
    expect(await idsOf(search(2))).toEqual([newer.id, older.id, best.id]);
  });
});
