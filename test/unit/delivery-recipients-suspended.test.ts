import type { Context } from "@fedify/fedify";
import { Create, type Recipient } from "@fedify/vocab";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { CoreContext } from "../../server/core/context.ts";
import { createInstanceDomainBlock } from "../../server/core/moderation/instance-domain-blocks.ts";
import type { AccountRow } from "../../server/core/rows.ts";
import { fedifyDeliver } from "../../server/federation/outbox/publish.ts";
import { openCoreDatabase, type CoreDatabase } from "../helpers/core-database.ts";
import { countingStatements } from "../helpers/counting-statements.ts";

function recipientOn(host: string, name: string): Recipient {
  return { id: new URL(`https://${host}/users/${name}`), inboxId: new URL(`https://${host}/users/${name}/inbox`), endpoints: { sharedInbox: new URL(`https://${host}/inbox`) } };
}

describe("who a delivery goes to, under the instance's domain blocks", () => {
  let database: CoreDatabase;

  beforeEach(async () => {
    database = await openCoreDatabase("delivery-recipients");
    // More specific than the suspension below, so it rules its host: a control that must still be delivered to.
    await createInstanceDomainBlock(database.core, "ok.spam.example", { severity: "noop" });
    await createInstanceDomainBlock(database.core, "spam.example", { severity: "suspend" });
    await createInstanceDomainBlock(database.core, "quiet.example", { severity: "silence" });
  });
  afterEach(async () => {
    await database.close();
  });

  it("leaves out every follower on a suspended domain, reading the blocks once for a post to many followers", async () => {
    const counter = countingStatements();
    const core: CoreContext = { ...database.core, db: database.core.db.withPlugin(counter.plugin) };
    const sent: Recipient[][] = [];
    const fedifyContext = {
      data: core,
      sendActivity: async (_sender: unknown, recipients: Recipient[]) => void sent.push(recipients),
    } as unknown as Context<CoreContext>;
    const hosts = ["spam.example", "sub.spam.example", "ok.spam.example", "quiet.example", "fine.example", "other.example"];
    const followers = Array.from({ length: 300 }, (_, index) => recipientOn(hosts[index % hosts.length]!, `u${index}`));
    const activity = new Create({ id: new URL("https://hearth.example/statuses/1/activity"), actor: new URL("https://hearth.example/users/owner") });

    await fedifyDeliver(fedifyContext)({ username: "owner" } as AccountRow, followers, activity);

    expect(sent).toHaveLength(1);
    const deliveredHosts = new Set(sent[0]!.map((recipient) => recipient.id!.host));
    expect([...deliveredHosts].sort()).toEqual(["fine.example", "ok.spam.example", "other.example", "quiet.example"]);
    expect(sent[0]).toHaveLength(200);
    // One read of the blocks, not one a follower (300 before).
    expect(counter.count()).toBeLessThanOrEqual(2);
  });
});
