import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postStatus } from "../../server/core/statuses/statuses.ts";
import { startInstances, type InstanceGroup, type TestInstance } from "../helpers/instances.ts";

/** The counts an instance publishes about itself, which directories and other servers read. */
describe("the instance's published post count", () => {
  let group: InstanceGroup | undefined;
  let home: TestInstance;
  beforeAll(async () => {
    group = await startInstances([{ username: "alice" }]);
    [home] = group.instances as [TestInstance];
  });
  afterAll(() => group?.close());

  it("counts the local posts, direct messages left out as on Mastodon, in NodeInfo and /api/v1/instance", async () => {
    for (const visibility of ["public", "unlisted", "direct"] as const) {
      await postStatus(home.core, { accountId: home.owner.id, text: `A ${visibility} post`, visibility }, { origin: home.url });
    }
    const instance = (await (await fetch(`${home.url}/api/v1/instance`)).json()) as { stats: { status_count: number } };
    expect(instance.stats.status_count).toBe(2);
    const nodeInfo = (await (await fetch(`${home.url}/nodeinfo/2.0`)).json()) as { usage: { localPosts: number } };
    expect(nodeInfo.usage.localPosts).toBe(2);
  });
});
