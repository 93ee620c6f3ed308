import { describe, expect, it } from "vitest";
import type { TunnelView } from "../../main/hearth-client.ts";
import { handleFor, trayModel, type ShellStatus, type TrayItem } from "../../main/tray-model.ts";

const NOW = Date.parse("2026-05-01T12:00:00.000Z");

function tunnel(change: Partial<TunnelView>): TunnelView {
  return { mode: "named", state: "connected", public_url: "https://social.example", is_try_out: false, reason: null, downloaded_bytes: null, ...change };
}

function status(change: Partial<ShellStatus> = {}): ShellStatus {
  return {
    server: { phase: "running", localUrl: "http://127.0.0.1:8330" },
    isSetUp: true,
    tunnel: tunnel({}),
    isPublishingPaused: false,
    handle: "@alice@social.example",
    startAtLogin: { isSupported: true, isEnabled: false },
    ...change,
  };
}

/** The menu as a person reads it: labels, with [x]/[ ] for checkboxes and (off) for greyed-out items. */
function read(items: readonly TrayItem[]): string[] {
  return items.map((item) => {
    switch (item.kind) {
      case "status":
        return `# ${item.label}`;
      case "separator":
        return "---";
      case "action":
        return item.isEnabled ? item.label : `${item.label} (off)`;
      case "checkbox":
        return `[${item.isChecked ? "x" : " "}] ${item.label}`;
    }
  });
}

describe("the tray menu", () => {
  it("when online with a public address: says where, copies the handle, offers to pause publishing", () => {
    const model = trayModel(status(), NOW);
    expect(read(model.items)).toEqual([
      "# Online at social.example",
      "---",
      "Open Hearth",
      "Copy my handle (@alice@social.example)",
      "Pause publishing",
      "---",
      "[ ] Start Hearth at login",
      "---",
      "Quit Hearth",
    ]);
    expect(model.tooltip).toBe("Hearth: Online at social.example");
  });

  it("names a quick tunnel's address a try-out one", () => {
    const model = trayModel(status({ tunnel: tunnel({ mode: "quick", is_try_out: true, public_url: "https://quiet-river-1a2b.trycloudflare.com" }) }), NOW);
    expect(read(model.items)[0]).toBe("# Online at quiet-river-1a2b.trycloudflare.com (a try-out address)");
  });

  it("while the tunnel reconnects: offline, still pausable", () => {
    const model = trayModel(status({ tunnel: tunnel({ state: "reconnecting", public_url: null, reason: "cloudflared exited with code 1." }) }), NOW);
    expect(read(model.items)).toContain("# Offline: reconnecting to Cloudflare…");
    expect(read(model.items)).toContain("Pause publishing");
  });

  it("while cloudflared downloads, and when the tunnel failed, says so with the reason", () => {
    expect(read(trayModel(status({ tunnel: tunnel({ state: "starting", public_url: null, downloaded_bytes: 1024 }) }), NOW).items)[0]).toBe(
      "# Offline: downloading cloudflared…",
    );
    expect(read(trayModel(status({ tunnel: tunnel({ state: "starting", public_url: null }) }), NOW).items)[0]).toBe("# Offline: connecting to Cloudflare…");
    const failed = trayModel(status({ tunnel: tunnel({ state: "failed", public_url: null, reason: "That token was refused by Cloudflare." }) }), NOW);
    expect(read(failed.items)[0]).toBe("# Offline: That token was refused by Cloudflare.");
  });

  it("when paused: says so and offers to resume instead of pause", () => {
    const model = trayModel(status({ tunnel: tunnel({ mode: "off", state: "off", public_url: null }), isPublishingPaused: true }), NOW);
    expect(read(model.items)).toEqual([
      "# Publishing paused: only this computer reaches Hearth",
      "---",
      "Open Hearth",
      "Copy my handle (@alice@social.example)",
      "Resume publishing",
      "---",
      "[ ] Start Hearth at login",
      "---",
      "Quit Hearth",
    ]);
  });

  it("when never published: neither pause nor resume, and no handle to copy", () => {
    const model = trayModel(status({ tunnel: tunnel({ mode: "off", state: "off", public_url: null }), handle: null }), NOW);
    const lines = read(model.items);
    expect(lines[0]).toBe("# Not published: only this computer reaches Hearth");
    expect(lines).toContain("Copy my handle (off)");
    expect(lines.some((line) => /Pause|Resume/.test(line))).toBe(false);
  });

  it("before the first-run wizard is done: points to the window", () => {
    const model = trayModel(status({ isSetUp: false, tunnel: null, handle: null }), NOW);
    expect(read(model.items)[0]).toBe("# Finish setting up Hearth in its window");
    expect(read(model.items)).toContain("Open Hearth");
  });

  it("while the server starts or restarts after a crash: nothing to open yet, and how long until the retry", () => {
    expect(read(trayModel(status({ server: { phase: "starting" } }), NOW).items).slice(0, 4)).toEqual([
      "# Hearth is starting…",
      "---",
      "Open Hearth (off)",
      "Copy my handle (@alice@social.example) (off)",
    ]);
    const restarting = trayModel(status({ server: { phase: "restarting", reason: "The Hearth server stopped unexpectedly.", retryAt: NOW + 4_000 } }), NOW);
    expect(read(restarting.items)[0]).toBe("# Hearth stopped unexpectedly; restarting in 4 s…");
    expect(read(restarting.items).some((line) => line.startsWith("Pause"))).toBe(false);
  });

  it("after the server gave up: the reason, and a way to try again", () => {
    const model = trayModel(status({ server: { phase: "failed", reason: "Port 8330 on 127.0.0.1 is already in use." } }), NOW);
    const lines = read(model.items);
    expect(lines[0]).toBe("# Hearth has stopped: Port 8330 on 127.0.0.1 is already in use.");
    expect(lines).toContain("Try again");
    expect(lines.at(-1)).toBe("Quit Hearth");
  });

  it("shows start at login checked when on, and not at all where it is not supported", () => {
    expect(read(trayModel(status({ startAtLogin: { isSupported: true, isEnabled: true } }), NOW).items)).toContain("[x] Start Hearth at login");
    const unsupported = read(trayModel(status({ startAtLogin: { isSupported: false, isEnabled: false } }), NOW).items);
    expect(unsupported.some((line) => line.includes("at login"))).toBe(false);
    expect(unsupported.filter((line) => line === "---")).toHaveLength(2);
  });
});

describe("the handle to copy", () => {
  it("is @user@domain once the domain is public, and nothing while it is a loopback address", () => {
    expect(handleFor("alice", "social.example")).toBe("@alice@social.example");
    expect(handleFor("alice", "127.0.0.1:8330")).toBeNull();
    expect(handleFor("alice", "localhost:8330")).toBeNull();
    expect(handleFor("alice", "[::1]:8330")).toBeNull();
  });
});

describe("the tray's backup line, from GET /api/hearth/backups's freshness", () => {
  const hoursAgo = (hours: number) => new Date(NOW - hours * 60 * 60 * 1000).toISOString();

  it("says how long ago the last good backup was", () => {
    const menu = read(trayModel(status({ backup: { state: "fresh", last_good_at: hoursAgo(2), warning: null } }), NOW).items);
    expect(menu.slice(0, 3)).toEqual(["# Online at social.example", "# Last backup: 2 hours ago", "---"]);
  });

  it("warns, in the menu and the tooltip, when there has been no backup for over a week", () => {
    const model = trayModel(status({ backup: { state: "stale", last_good_at: hoursAgo(9 * 24 + 3), warning: "No backup for 9 days." } }), NOW);
    expect(read(model.items)[1]).toBe("# ⚠ No backup for 9 days");
    expect(model.tooltip).toBe("Hearth: Online at social.example. No backup for 9 days");
  });

  it("warns when the last run failed, and when there has never been one", () => {
    expect(read(trayModel(status({ backup: { state: "failed", last_good_at: hoursAgo(30), warning: "The last backup failed: x" } }), NOW).items)[1]).toBe(
      "# ⚠ The last backup failed: see Settings → Backups",
    );
    expect(read(trayModel(status({ backup: { state: "none", last_good_at: null, warning: "x" } }), NOW).items)[1]).toBe("# ⚠ No backup yet: set one up in Settings → Backups");
  });

  it("has no backup line while the server is not running or the answer is unknown", () => {
    expect(read(trayModel(status({ backup: null }), NOW).items)[1]).toBe("---");
    const starting = trayModel(status({ server: { phase: "starting" }, backup: { state: "stale", last_good_at: hoursAgo(300), warning: "x" } }), NOW);
    expect(read(starting.items)[1]).toBe("---");
  });
});
