import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { issueCliToken } from "../../server/core/auth/tokens.ts";
import { resolveRemoteAccount } from "../../server/core/accounts/remote-accounts.ts";
import { createDesktopNotifications, type DesktopNotifications } from "../../main/desktop-notifications.ts";
import { createHearthClient } from "../../main/hearth-client.ts";
import type { NativeNotification } from "../../main/notification-decisions.ts";
import { preferencesFile } from "../../main/shell-preferences.ts";
import { startInstances, type InstanceGroup, type TestInstance } from "../helpers/instances.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";
import { waitFor } from "../helpers/wait-for.ts";

// The shell's notifications against real instances federating on loopback: bob, on another server, mentions
// alice and writes her a direct message; alice's desktop shell hears of both over her server's streaming
// API and shows them as native notifications that open the post. (Follows are covered against a stand-in
// server in test/unit/main-notification-feed.test.ts until the inbox creates follow notifications.)
describe("desktop notifications from a real instance", () => {
  let group: InstanceGroup;
  let alice: TestInstance;
  let bob: TestInstance;
  let userData: { path: string; remove(): void };
  let notifications: DesktopNotifications | undefined;

  beforeAll(async () => {
    group = await startInstances([{ username: "alice" }, { username: "bob" }]);
    [alice, bob] = group.instances as [TestInstance, TestInstance];
    userData = makeTempDir("desktop-notifications");
  });
  afterAll(async () => {
    notifications?.stop();
    await group?.close();
    userData?.remove();
  });

  async function bobsApi(path: string, body: Record<string, unknown>): Promise<Record<string, unknown>> {
    const { token } = await issueCliToken(bob.core, bob.owner.id, ["read", "write", "follow"]);
    const response = await fetch(`${bob.url}${path}`, {
      method: "POST",
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
    expect(response.status, `POST ${path}: ${await response.clone().text()}`).toBe(200);
    return (await response.json()) as Record<string, unknown>;
  }

  it("shows a mention and a direct message from another server, each opening its post", async () => {
    const { token } = await issueCliToken(alice.core, alice.owner.id, ["read", "write"]);
    const shown: Array<NativeNotification & { open(): void }> = [];
    const opened: string[] = [];
    const badges: number[] = [];
    let isStreamOpen = false;
    notifications = createDesktopNotifications({
      client: createHearthClient({ baseUrl: alice.url, token }),
      preferences: preferencesFile(`${userData.path}/shell-preferences.json`),
      openSocket: (url) => {
        const socket = new WebSocket(url);
        socket.addEventListener("open", () => (isStreamOpen = true));
        return socket;
      },
      isWindowFocused: () => false,
      show: (notification, onClick) => shown.push({ ...notification, open: onClick }),
      setBadgeCount: (count) => badges.push(count),
      openPath: (path) => opened.push(path),
    });
    // Before the stream is open, a first start counts whatever is there as old news.
    await waitFor(() => isStreamOpen, { what: "the streaming API to accept the shell" });

    // bob's server finds alice as a person would, by her handle, before writing to her.
    expect(await resolveRemoteAccount(bob.core, alice.handle)).toBeDefined();
    await bobsApi("/api/v1/statuses", { status: `@${alice.handle} the garden party is on`, visibility: "public" });
    const mention = await waitFor(() => shown.find((n) => n.title.endsWith("mentioned you")), { timeoutMs: 20_000, what: "the mention notification" });
    expect(mention.title).toBe("bob mentioned you");
    expect(mention.body).toContain("the garden party is on");

    await bobsApi("/api/v1/statuses", { status: `@${alice.handle} tea at five?`, visibility: "direct" });
    const message = await waitFor(() => shown.find((n) => n.title.startsWith("Direct message")), { timeoutMs: 20_000, what: "the direct message notification" });
    expect(message.title).toBe("Direct message from bob");
    expect(message.body).toContain("tea at five?");
    expect(message.path).toMatch(new RegExp(`^/@${bob.handle.replace(/\./g, "\\.")}/\\d+$`));
    message.open();
    expect(opened).toEqual([message.path]);
    expect(badges.at(-1)).toBeGreaterThanOrEqual(2);
  });
});
