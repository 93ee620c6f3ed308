import type { mastodon } from "masto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findStatusByUri } from "../../server/core/statuses/status-store.ts";
import { apiUser, type ApiUser, errorOf } from "../helpers/api-accounts.ts";
import { arrivedOn, follow } from "../helpers/federation-statuses.ts";
import { startInstances, type InstanceGroup, type TestInstance } from "../helpers/instances.ts";
import { twoColours } from "../helpers/media-fixtures.ts";
import { waitFor } from "../helpers/wait-for.ts";

/** The status and sentence of a masto call that failed ({200, ""} when it succeeded). */
function described(media: readonly mastodon.v1.MediaAttachment[]): Array<[string, string | null]> {
  return media.map((medium) => [medium.id, medium.description ?? null]);
}

describe("editing a status's media through a real client: alt text, focus, removal, order, history, federation", () => {
  let group: InstanceGroup;
  let home: TestInstance;
  let peer: TestInstance;
  let alice: ApiUser;

  async function upload(width: number): Promise<mastodon.v1.MediaAttachment> {
    const png = await twoColours(width, 20).png().toBuffer();
    return alice.client.v2.media.create({ file: new Blob([new Uint8Array(png)], { type: "image/png" }) });
  }

  /** The alt text of the attachments bob's instance keeps for a status of alice's, in order. */
  async function peerMedia(statusId: string): Promise<Array<string | null>> {
    const copy = await findStatusByUri(peer.core, `${home.actorUri}/statuses/${statusId}`);
    if (!copy) return [];
    const rows = await peer.core.db.selectFrom("media_attachments").select("description").where("status_id", "=", copy.id).orderBy("position").execute();
    return rows.map((row) => row.description);
  }

  beforeAll(async () => {
    group = await startInstances([{ username: "alice" }, { username: "bob" }]);
    [home, peer] = group.instances as [TestInstance, TestInstance];
    alice = await apiUser(home.core, home.url, home.owner);
    await follow(peer, home);
  });
  afterAll(() => group?.close());

  it("changes alt text and focus with media_attributes, reorders and removes media, and keeps each version's alt text", async () => {
    const first = await upload(30);
    const second = await upload(40);
    await alice.client.v1.media.$select(first.id).update({ description: "A flag, first try" });
    const posted = await alice.client.v1.statuses.create({ status: "Two flags", mediaIds: [first.id, second.id] });
    expect(described(posted.mediaAttachments)).toEqual([[first.id, "A flag, first try"], [second.id, null]]);
    await arrivedOn(peer, `${home.actorUri}/statuses/${posted.id}`, "alice's post");

    // Same media, new order; the first gets better alt text and a focal point, the second its first alt text.
    const reordered = await alice.client.v1.statuses.$select(posted.id).update({
      status: "Two flags",
      mediaIds: [second.id, first.id],
      mediaAttributes: [
        { id: first.id, description: "Red on the left, blue on the right", focus: "0.5,-0.25" },
        { id: second.id, description: "A wider flag" },
      ],
    });
    expect(described(reordered.mediaAttachments)).toEqual([[second.id, "A wider flag"], [first.id, "Red on the left, blue on the right"]]);
    const fetched = await alice.client.v1.statuses.$select(posted.id).fetch();
    expect(described(fetched.mediaAttachments)).toEqual([[second.id, "A wider flag"], [first.id, "Red on the left, blue on the right"]]);
    expect(fetched.mediaAttachments[1]?.meta?.focus).toEqual({ x: 0.5, y: -0.25 });
    // The Update reaches the peer with the new order and alt text (focal points are not federated yet: note-media.ts).
    await waitFor(async () => JSON.stringify(await peerMedia(posted.id)) === JSON.stringify(["A wider flag", "Red on the left, blue on the right"]), {
      what: "the peer to take the edited media",
    });

    // One of the two goes; media_ids absent from an edit would drop both, as Mastodon's full replacement does.
    const trimmed = await alice.client.v1.statuses.$select(posted.id).update({ status: "One flag", mediaIds: [first.id] });
    expect(described(trimmed.mediaAttachments)).toEqual([[first.id, "Red on the left, blue on the right"]]);
    expect(described((await alice.client.v1.statuses.$select(posted.id).fetch()).mediaAttachments)).toEqual([[first.id, "Red on the left, blue on the right"]]);
    await waitFor(async () => (await peerMedia(posted.id)).length === 1, { what: "the peer to drop the removed medium" });

    // Each version shows its media in its order, with the alt text they had then.
    const history = await alice.client.v1.statuses.$select(posted.id).history.list();
    expect(history.map((version) => described(version.mediaAttachments))).toEqual([
      [[first.id, "A flag, first try"], [second.id, null]],
      [[second.id, "A wider flag"], [first.id, "Red on the left, blue on the right"]],
      [[first.id, "Red on the left, blue on the right"]],
    ]);
    expect(history[0]?.mediaAttachments[0]?.meta?.focus ?? null).toBeNull();
    expect(history[1]?.mediaAttachments[1]?.meta?.focus).toEqual({ x: 0.5, y: -0.25 });
    const kept = await home.core.db.selectFrom("status_edits").select("media_ids_json").where("status_id", "=", posted.id).orderBy("id").execute();
    expect(JSON.parse(kept[0]?.media_ids_json ?? "[]")).toEqual([
      { id: first.id, description: "A flag, first try", focusX: null, focusY: null },
      { id: second.id, description: null, focusX: null, focusY: null },
    ]);
  });

  it("answers 422 for media_attributes naming media the status will not have, or alt text that is too long", async () => {
    const kept = await upload(30);
    const other = await upload(40);
    const posted = await alice.client.v1.statuses.create({ status: "A flag", mediaIds: [kept.id] });
    const edit = (params: mastodon.rest.v1.UpdateStatusParams) => errorOf(alice.client.v1.statuses.$select(posted.id).update(params));

    // An upload of hers that this status does not have (nor gets in media_ids).
    expect(await edit({ status: "A flag", mediaIds: [kept.id], mediaAttributes: [{ id: other.id, description: "sneaky" }] })).toEqual({
      status: 422,
      message: `Media attachment ${other.id} is not one of this status's media; only those can be changed in an edit.`,
    });
    // Media the edit removes cannot be described by it either.
    expect((await edit({ status: "A flag", mediaIds: [other.id], mediaAttributes: [{ id: kept.id, description: "gone" }] })).status).toBe(422);
    expect((await edit({ status: "A flag", mediaIds: [kept.id], mediaAttributes: [{ id: kept.id, description: "x".repeat(1501) }] })).message).toBe(
      "The description is 1501 characters long; media descriptions may be at most 1500.",
    );
    expect((await edit({ status: "A flag", mediaIds: [kept.id], mediaAttributes: [{ id: kept.id, focus: "2,0" }] })).status).toBe(422);
    // Nothing changed, and no version was kept for the refused edits.
    const now = await alice.client.v1.statuses.$select(posted.id).fetch();
    expect(described(now.mediaAttachments)).toEqual([[kept.id, null]]);
    expect(now.editedAt).toBeNull();

    // Media added in the same edit may be described by it; exactly 1,500 characters is allowed.
    const added = await alice.client.v1.statuses.$select(posted.id).update({
      status: "Two flags",
      mediaIds: [kept.id, other.id],
      mediaAttributes: [{ id: other.id, description: "y".repeat(1500) }],
    });
    expect(described(added.mediaAttachments)).toEqual([[kept.id, null], [other.id, "y".repeat(1500)]]);
  });
});
