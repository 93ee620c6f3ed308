import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findAccountByUri } from "../../server/core/accounts/remote-accounts.ts";
import type { RemoteStatusRecord } from "../../server/core/statuses/remote-status-record.ts";
import { recordRemoteStatus } from "../../server/core/statuses/remote-statuses.ts";
import { findStatusByUri } from "../../server/core/statuses/status-store.ts";
import { withSharedCommits } from "../../server/core/write.ts";
import { withRelaxedDurability } from "../../server/db/durability.ts";
import { drained } from "../helpers/federation-statuses.ts";
import { startInstances, type InstanceGroup, type TestInstance } from "../helpers/instances.ts";
import { startKeyedPeer, type KeyedPeer, type PeerActor } from "../helpers/keyed-peer.ts";
import { statementsRunDuring, type StatementRun } from "../helpers/statements-run.ts";

const PUBLIC = "https://www.w3.org/ns/activitystreams#Public";

/**
 * A signed Create(Note) from a known sender reads the sender's account once and the status's uri once: each
 * lookup again cost its statement and kysely's building of it on every activity (issue #19). What is stored
 * stays what it was.
 */
describe("the lookups of a Create(Note) arriving in the inbox", () => {
  let group: InstanceGroup;
  let gina: TestInstance;
  let peer: KeyedPeer;
  let sam: PeerActor;
  let inbox: string;
  // Only its Statement prototype, shared by every connection, is used: to see what the instance runs.
  const probe = new Database(":memory:");

  beforeAll(async () => {
    group = await startInstances([{ username: "gina" }]);
    [gina] = group.instances as [TestInstance];
    inbox = `${gina.url}/inbox`;
    peer = await startKeyedPeer();
    sam = await peer.addActor("sam");
  });
  afterAll(async () => {
    await group?.close();
    await peer?.close();
    probe.close();
  });

  /** A public Create(Note) by sam mentioning gina, as Mastodon addresses it: to Public, cc followers and gina. */
  function create(noteId = `${sam.id.href}/statuses/${crypto.randomUUID()}`) {
    const to = [PUBLIC];
    const cc = [`${sam.id.href}/followers`, gina.actorUri];
    const note = { id: noteId, type: "Note", attributedTo: sam.id.href, to, cc, content: "<p>hi gina</p>", tag: [{ type: "Mention", href: gina.actorUri }] };
    return { noteId, activity: { "@context": "https://www.w3.org/ns/activitystreams", id: `${noteId}/activity/${crypto.randomUUID()}`, type: "Create", actor: sam.id.href, to, cc, object: note } };
  }

  /** Delivers an activity and waits until gina has handled it, answering the statements run meanwhile on "uri". */
  async function uriLookupsDelivering(activity: unknown): Promise<StatementRun[]> {
    return statementsRunDuring(probe, /^select .* from "(accounts|statuses)" where "uri" = \?$/, async () => {
      expect((await peer.deliver(inbox, activity, sam.rsa)).status).toBe(202);
      await drained(gina);
    });
  }
  // kysely hands better-sqlite3 its parameters as one array.
  const firstParameter = (run: StatementRun) => (Array.isArray(run.args[0]) ? (run.args[0] as unknown[])[0] : run.args[0]);
  const withArgument = (runs: StatementRun[], table: string, value: string) => runs.filter((run) => run.source.includes(`from "${table}"`) && firstParameter(run) === value);

  it("reads the sender's account once, never as:Public, and the status's uri once", async () => {
    // sam's first Create makes gina fetch and store sam; the second finds sam fresh.
    const first = create();
    await uriLookupsDelivering(first.activity);
    expect(await findStatusByUri(gina.core, first.noteId)).toBeDefined();

    const second = create();
    const runs = await uriLookupsDelivering(second.activity);
    expect(withArgument(runs, "accounts", sam.id.href)).toHaveLength(1);
    expect(withArgument(runs, "accounts", PUBLIC)).toHaveLength(0);
    // The followers collection may be an account's id as far as gina knows: it is still looked up.
    expect(withArgument(runs, "accounts", `${sam.id.href}/followers`)).toHaveLength(1);
    expect(withArgument(runs, "statuses", second.noteId)).toHaveLength(1);

    const stored = await findStatusByUri(gina.core, second.noteId);
    expect(stored).toMatchObject({ content: "<p>hi gina</p>", visibility: "public", local: 0 });
    const mentioned = await gina.core.db.selectFrom("mentions").select("account_id").where("status_id", "=", stored!.id).execute();
    expect(mentioned.map((row) => row.account_id)).toEqual([gina.owner.id]);
  });

  it("reads the author's account by id once and the status's mentions once, and still notifies the one it mentions", async () => {
    // A first Create stores sam, whom the second finds.
    await uriLookupsDelivering(create().activity);
    const samOnGina = await findAccountByUri(gina.core, sam.id.href);
    const { noteId, activity } = create();
    const runs = await statementsRunDuring(probe, /^select .* from "(accounts|mentions)"/, async () => {
      expect((await peer.deliver(inbox, activity, sam.rsa)).status).toBe(202);
      await drained(gina);
    });
    // The store reads its author in its write; the fan-out used to read it again, and the mentions twice.
    expect(runs.filter((run) => run.source === `select * from "accounts" where "id" = ?` && firstParameter(run) === samOnGina!.id)).toHaveLength(1);
    expect(runs.filter((run) => run.source.includes(`from "mentions"`))).toHaveLength(1);

    const stored = await findStatusByUri(gina.core, noteId);
    const notifications = await gina.core.db.selectFrom("notifications").select(["type", "from_account_id"]).where("status_id", "=", stored!.id).execute();
    expect(notifications).toEqual([{ type: "mention", from_account_id: samOnGina!.id }]);
  });

  it("stores a Note recorded twice at once only once, both answering the one row, alone or sharing a commit", async () => {
    const samOnGina = await findAccountByUri(gina.core, sam.id.href);
    const record = (uri: string): RemoteStatusRecord => ({
      uri, url: null, accountId: samOnGina!.id, visibility: "public", content: "<p>twice</p>", spoilerText: "", sensitive: false, language: null,
      createdAt: new Date().toISOString(), editedAt: null, inReplyToUri: null, quoteUri: null, conversationUri: null,
      mentionedAccountIds: [gina.owner.id], silentMentionAccountIds: [], tagNames: ["twice"], emojis: [], media: [], poll: null,
    });
    for (const shared of [false, true]) {
      const uri = `${sam.id.href}/statuses/${crypto.randomUUID()}`;
      // Neither has stored it when the other starts: each goes to write it, as two deliveries of one Note handled together.
      const both = () => Promise.all([recordRemoteStatus(gina.core, record(uri)), recordRemoteStatus(gina.core, record(uri))]);
      const [first, second] = shared ? await withRelaxedDurability(() => withSharedCommits(both)) : await both();
      expect([first?.isNew, second?.isNew]).toEqual([true, false]);
      const rows = await gina.core.db.selectFrom("statuses").selectAll().where("uri", "=", uri).execute();
      expect(rows).toEqual([first!.status]);
      expect(second!.status).toEqual(first!.status);
      const mentions = await gina.core.db.selectFrom("mentions").select("account_id").where("status_id", "=", first!.status.id).execute();
      expect(mentions).toEqual([{ account_id: gina.owner.id }]);
      const conversations = await gina.core.db.selectFrom("conversations").select("id").where("id", "=", first!.status.conversation_id).execute();
      expect(conversations).toHaveLength(1);
    }
  });
});
