import { describe, expect, it } from "vitest";
import { isTrustedSender } from "../../main/ipc-validation.ts";
import { isPermissionGranted, navigationDecision, windowOpenDecision } from "../../main/navigation-policy.ts";
import { contentSecurityPolicy, secureWebPreferences, withContentSecurityPolicy } from "../../main/window-security.ts";

const LOCAL = "http://127.0.0.1:8330";

describe("the window's web preferences (Electron's security checklist)", () => {
  it("isolates the page from Node and Electron, sandboxes it, and loads only our preload", () => {
    expect(secureWebPreferences("/app/main/dist/preload.cjs")).toMatchObject({
      preload: "/app/main/dist/preload.cjs",
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
    });
  });

  it("enables nothing the checklist warns about", () => {
    const preferences = secureWebPreferences("/p") as unknown as Record<string, unknown>;
    for (const risky of ["enableBlinkFeatures", "enableRemoteModule", "disableBlinkFeatures", "additionalArguments"]) expect(preferences).not.toHaveProperty(risky);
  });
});

describe("the Content-Security-Policy", () => {
  const policy = Object.fromEntries(
    contentSecurityPolicy(LOCAL)
      .split("; ")
      .map((directive) => {
        const [name, ...sources] = directive.split(" ");
        return [name, sources];
      }),
  );

  it("lets scripts and styles come from the local server only: no inline code, no eval", () => {
    expect(policy["default-src"]).toEqual(["'none'"]);
    expect(policy["script-src"]).toEqual(["'self'"]);
    expect(policy["style-src"]).toEqual(["'self'"]);
    expect(Object.values(policy).flat()).not.toContain("'unsafe-inline'");
    expect(Object.values(policy).flat()).not.toContain("'unsafe-eval'");
  });

  it("allows remote images and media over https, the streaming socket, and no framing", () => {
    expect(policy["img-src"]).toEqual(["'self'", "data:", "blob:", "https:"]);
    expect(policy["media-src"]).toEqual(["'self'", "blob:", "https:"]);
    expect(policy["connect-src"]).toEqual(["'self'", "ws://127.0.0.1:8330"]);
    expect(policy["frame-ancestors"]).toEqual(["'none'"]);
    expect(policy["object-src"]).toEqual(["'none'"]);
    expect(policy["base-uri"]).toEqual(["'none'"]);
  });

  it("is added to the local server's pages, beside any policy the server sent, and nowhere else", () => {
    const page = withContentSecurityPolicy({ url: `${LOCAL}/home`, resourceType: "mainFrame", responseHeaders: { "content-type": ["text/html"] } }, LOCAL);
    expect(page?.["Content-Security-Policy"]).toEqual([contentSecurityPolicy(LOCAL)]);
    const both = withContentSecurityPolicy(
      { url: `${LOCAL}/`, resourceType: "mainFrame", responseHeaders: { "content-security-policy": ["default-src 'self'"] } },
      LOCAL,
    );
    expect(both?.["content-security-policy"]).toEqual(["default-src 'self'", contentSecurityPolicy(LOCAL)]);
    const image = { url: `${LOCAL}/avatars/1.png`, resourceType: "image", responseHeaders: { "content-type": ["image/png"] } };
    expect(withContentSecurityPolicy(image, LOCAL)).toBe(image.responseHeaders);
    const remote = { url: "https://remote.example/", resourceType: "mainFrame", responseHeaders: {} };
    expect(withContentSecurityPolicy(remote, LOCAL)).toBe(remote.responseHeaders);
  });
});

describe("where the window may go", () => {
  it("stays on the local server, sends web links to the browser, refuses other schemes", () => {
    expect(navigationDecision(`${LOCAL}/@bob@remote.example`, LOCAL)).toBe("allow");
    expect(navigationDecision("https://remote.example/@bob", LOCAL)).toBe("open-external");
    expect(navigationDecision("mailto:someone@example.com", LOCAL)).toBe("open-external");
    // Same host, another port: another origin, maybe another program.
    expect(navigationDecision("http://127.0.0.1:9999/", LOCAL)).toBe("open-external");
    for (const url of ["file:///etc/passwd", "javascript:alert(1)", "data:text/html,<h1>x</h1>", "smb://host/share", "vscode://x", "not a url"]) {
      expect(navigationDecision(url, LOCAL)).toBe("deny");
    }
  });

  it("before the server runs, nothing is local", () => {
    expect(navigationDecision(`${LOCAL}/`, null)).toBe("open-external");
  });

  it("never opens a second window: local links show in the window, web links in the browser", () => {
    expect(windowOpenDecision(`${LOCAL}/@alice/1`, LOCAL)).toEqual({ action: "navigate", url: `${LOCAL}/@alice/1` });
    expect(windowOpenDecision("https://remote.example/", LOCAL)).toEqual({ action: "open-external", url: "https://remote.example/" });
    expect(windowOpenDecision("file:///tmp/x", LOCAL)).toEqual({ action: "deny" });
  });
});

describe("permission requests", () => {
  it("are refused by default, also to the local server", () => {
    for (const permission of ["media", "geolocation", "notifications", "midi", "openExternal", "pointerLock", "display-capture", "hid", "serial", "usb"]) {
      expect(isPermissionGranted(permission, `${LOCAL}/`, LOCAL)).toBe(false);
    }
  });

  it("grant copying to the clipboard and full screen to the local server's pages only", () => {
    expect(isPermissionGranted("clipboard-sanitized-write", `${LOCAL}/@alice/1`, LOCAL)).toBe(true);
    expect(isPermissionGranted("fullscreen", `${LOCAL}/`, LOCAL)).toBe(true);
    expect(isPermissionGranted("clipboard-sanitized-write", "https://remote.example/", LOCAL)).toBe(false);
    expect(isPermissionGranted("fullscreen", `${LOCAL}/`, null)).toBe(false);
  });
});

describe("IPC senders", () => {
  const trusted = { localOrigin: LOCAL, windowWebContentsId: 7 };

  it("are trusted only as the top frame of Hearth's window on a page of the local server", () => {
    expect(isTrustedSender({ frameUrl: `${LOCAL}/notifications`, isMainFrame: true, webContentsId: 7 }, trusted)).toBe(true);
  });

  it("are refused from an iframe, another window, another origin, a vanished frame, or before the server runs", () => {
    expect(isTrustedSender({ frameUrl: `${LOCAL}/`, isMainFrame: false, webContentsId: 7 }, trusted)).toBe(false);
    expect(isTrustedSender({ frameUrl: `${LOCAL}/`, isMainFrame: true, webContentsId: 8 }, trusted)).toBe(false);
    expect(isTrustedSender({ frameUrl: "https://remote.example/", isMainFrame: true, webContentsId: 7 }, trusted)).toBe(false);
    expect(isTrustedSender({ frameUrl: "http://127.0.0.1:8331/", isMainFrame: true, webContentsId: 7 }, trusted)).toBe(false);
    expect(isTrustedSender({ frameUrl: "data:text/html,hi", isMainFrame: true, webContentsId: 7 }, trusted)).toBe(false);
    expect(isTrustedSender({ frameUrl: null, isMainFrame: true, webContentsId: 7 }, trusted)).toBe(false);
    expect(isTrustedSender({ frameUrl: `${LOCAL}/`, isMainFrame: true, webContentsId: 7 }, { localOrigin: null, windowWebContentsId: 7 })).toBe(false);
    expect(isTrustedSender({ frameUrl: `${LOCAL}/`, isMainFrame: true, webContentsId: 7 }, { localOrigin: LOCAL, windowWebContentsId: null })).toBe(false);
  });
});
