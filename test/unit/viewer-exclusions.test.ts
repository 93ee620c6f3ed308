import { afterEach, describe, expect, it } from "vitest";
import { loadViewerExclusions } from "../../server/core/visibility/status-visibility.ts";
import { insertTestAccount, openCoreDatabase, type CoreDatabase } from "../helpers/core-database.ts";

// loadViewerExclusions reads the viewer's blocks and mutes, the silenced accounts they do not follow and the
// instance's domain blocks in one compound query (issue #19): each kind still lands in its own list, beside
// an account or domain of the same kind that must not.
const NOW = "2026-03-01T12:00:00.000Z";
const LATER = "2026-03-02T12:00:00.000Z";
const EARLIER = "2026-02-28T12:00:00.000Z";

let database: CoreDatabase | undefined;
afterEach(async () => {
  await database?.close();
  database = undefined;
});

describe("a viewer's exclusions", () => {
  it("sorts blocks both ways, mutes in force, blocked domains, unfollowed silenced accounts and the instance's blocks", async () => {
    database = await openCoreDatabase("viewer-exclusions");
    const { core } = database;
    const viewer = await insertTestAccount(core, "viewer");
    const blocked = await insertTestAccount(core, "blocked", "a.example");
    const blocker = await insertTestAccount(core, "blocker", "a.example");
    const muted = await insertTestAccount(core, "muted", "a.example");
    const mutedBefore = await insertTestAccount(core, "lapsed", "a.example");
    const silenced = await insertTestAccount(core, "silenced", "a.example", { silenced_at: NOW });
    const silencedFollowed = await insertTestAccount(core, "followed", "a.example", { silenced_at: NOW });
    await insertTestAccount(core, "plain", "a.example");
    await insertTestAccount(core, "s", "spam.example");
    await insertTestAccount(core, "s", "sub.spam.example");
    await insertTestAccount(core, "s", "ok.spam.example");
    await insertTestAccount(core, "s", "quiet.example");
    await core.db
      .insertInto("blocks")
      .values([
        { id: "1", account_id: viewer.id, target_account_id: blocked.id, created_at: NOW },
        { id: "2", account_id: blocker.id, target_account_id: viewer.id, created_at: NOW },
      ])
      .execute();
    await core.db
      .insertInto("mutes")
      .values([
        { id: "3", account_id: viewer.id, target_account_id: muted.id, hide_notifications: 1, expires_at: LATER, created_at: NOW },
        { id: "4", account_id: viewer.id, target_account_id: mutedBefore.id, hide_notifications: 1, expires_at: EARLIER, created_at: EARLIER },
      ])
      .execute();
    await core.db.insertInto("follows").values({ id: "5", account_id: viewer.id, target_account_id: silencedFollowed.id, state: "accepted", uri: "https://x/f/5", created_at: NOW, updated_at: NOW }).execute();
    await core.db.insertInto("account_domain_blocks").values({ id: "6", account_id: viewer.id, domain: "mine.example", created_at: NOW }).execute();
    const block = { reject_media: 0, reject_reports: 0, obfuscate: 0, created_at: NOW } as const;
    await core.db
      .insertInto("instance_domain_blocks")
      .values([
        { id: "7", domain: "spam.example", severity: "suspend", ...block },
        // A block of a subdomain rules it over its parent's, as Mastodon's DomainBlock.rule_for.
        { id: "8", domain: "ok.spam.example", severity: "noop", ...block },
        { id: "9", domain: "quiet.example", severity: "silence", ...block },
      ])
      .execute();

    const exclusions = await loadViewerExclusions(core.db, viewer.id, NOW);
    expect([...exclusions.blocked].sort()).toEqual([blocked.id, blocker.id].sort());
    expect(exclusions.muted).toEqual([muted.id]);
    expect([...exclusions.domains].sort()).toEqual(["mine.example", "spam.example", "sub.spam.example"]);
    expect(exclusions.silencedDomains).toEqual(["quiet.example"]);
    expect(exclusions.limited).toEqual([silenced.id]);

    // Anonymous: no viewer's own lists, every silenced account limited, the instance's blocks the same.
    const anonymous = await loadViewerExclusions(core.db, null, NOW);
    expect(anonymous.blocked).toEqual([]);
    expect(anonymous.muted).toEqual([]);
    expect([...anonymous.domains].sort()).toEqual(["spam.example", "sub.spam.example"]);
    expect(anonymous.silencedDomains).toEqual(["quiet.example"]);
    expect([...(anonymous.limited ?? [])].sort()).toEqual([silenced.id, silencedFollowed.id].sort());
  });
});
