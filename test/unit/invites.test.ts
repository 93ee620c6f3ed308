import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createInvite, hasUsableInvite, inviteState, inviteUsesLeft, listInvites, requireUsableInvite, revokeInvite } from "../../server/core/invites/invites.ts";
import type { AccountRow } from "../../server/core/rows.ts";
import { insertTestAccount, openCoreDatabase, type CoreDatabase } from "../helpers/core-database.ts";

describe("invites in core", () => {
  let database: CoreDatabase;
  let owner: AccountRow;

  beforeEach(async () => {
    database = await openCoreDatabase("invites");
    owner = await insertTestAccount(database.core, "ada");
  });
  afterEach(async () => {
    await database.close();
  });

  /** Uses an invite as a sign-up does, without the cost of making an account. */
  async function use(id: string): Promise<void> {
    await database.core.db.updateTable("invites").set((eb) => ({ uses: eb("uses", "+", 1) })).where("id", "=", id).execute();
  }

  it("is usable until its uses are spent, and invites_enabled follows", async () => {
    expect(await hasUsableInvite(database.core)).toBe(false);
    const invite = await createInvite(database.core, { inviterAccountId: owner.id, maxUses: 1, expiresIn: "never" });
    expect(await hasUsableInvite(database.core)).toBe(true);
    await use(invite.id);
    const [spent] = await listInvites(database.core);
    expect(inviteState(spent!, database.clock.now())).toBe("used_up");
    expect(inviteUsesLeft(spent!)).toBe(0);
    expect(await hasUsableInvite(database.core)).toBe(false);
    await expect(requireUsableInvite(database.core, invite.code)).rejects.toThrow("used as many times as it allows");
  });

  it("expires at its time on the injected clock, and an unlimited one never runs out of uses", async () => {
    const invite = await createInvite(database.core, { inviterAccountId: owner.id, maxUses: null, expiresIn: "30m" });
    for (let i = 0; i < 3; i++) await use(invite.id);
    database.clock.advance(29 * 60_000);
    expect((await requireUsableInvite(database.core, invite.code)).id).toBe(invite.id);
    expect(await hasUsableInvite(database.core)).toBe(true);
    database.clock.advance(60_000);
    expect(await hasUsableInvite(database.core)).toBe(false);
    await expect(requireUsableInvite(database.core, invite.code)).rejects.toThrow("has expired");
  });

  it("says revoked before expired or used up, and revoking twice changes nothing", async () => {
    const invite = await createInvite(database.core, { inviterAccountId: owner.id, maxUses: 1, expiresIn: "30m" });
    await use(invite.id);
    database.clock.advance(31 * 60_000);
    const revoked = await revokeInvite(database.core, invite.id);
    expect(inviteState(revoked, database.clock.now())).toBe("revoked");
    expect((await revokeInvite(database.core, invite.id)).revoked_at).toBe(revoked.revoked_at);
    await expect(requireUsableInvite(database.core, invite.code)).rejects.toThrow("was revoked");
  });

  it("makes codes of 12 letters and digits without look-alikes, each different", async () => {
    const codes = new Set<string>();
    for (let i = 0; i < 50; i++) codes.add((await createInvite(database.core, { inviterAccountId: owner.id, maxUses: 1, expiresIn: "1h" })).code);
    expect(codes.size).toBe(50);
    for (const code of codes) expect(code).toMatch(/^[a-km-zA-HJ-NP-Z2-9]{12}$/);
  });
});
