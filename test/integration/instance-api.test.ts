import { createRestAPIClient } from "masto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeTempDir } from "../helpers/temp-dir.ts";
import { runHearth, serveHearth, type ServingHearth } from "../helpers/hearth-cli.ts";

describe("the instance as apps see it before signing in", () => {
  const dataDir = makeTempDir("instance");
  let serving: ServingHearth;

  beforeAll(async () => {
    const setup = await runHearth(
      ["setup", "--data-dir", dataDir.path, "--username", "ada", "--password-stdin", "--public-url", "https://home.example", "--display-name", "Ada"],
      { stdin: "a long enough password\n" },
    );
    expect(setup.code).toBe(0);
    serving = await serveHearth(["--data-dir", dataDir.path]);
  });
  afterAll(async () => {
    await serving?.stop();
    dataDir.remove();
  });

  it("answers /api/v2/instance with the limits clients size their compose box from", async () => {
    const masto = createRestAPIClient({ url: serving.localUrl });
    const instance = await masto.v2.instance.fetch();
    expect(instance.domain).toBe("home.example");
    expect(instance.version).toMatch(/^4\.0\.0 \(compatible; Hearth \d+\.\d+\.\d+\)$/);
    expect(instance.configuration.statuses.maxCharacters).toBe(500);
    expect(instance.configuration.mediaAttachments.supportedMimeTypes).toContain("image/jpeg");
    expect(instance.configuration.polls.maxOptions).toBe(4);
    expect(instance.configuration.urls.streaming).toBe("wss://home.example");
    expect(instance.registrations.enabled).toBe(false);
    expect(instance.contact.account?.username).toBe("ada");
    expect(instance.usage.users.activeMonth).toBe(1);
    // 2: grouped notifications at /api/v2/notifications, the first versioned feature; nothing later is claimed.
    expect(instance.apiVersions.mastodon).toBe(2);
  });

  it("answers /api/v1/instance, the rules and the peers", async () => {
    const masto = createRestAPIClient({ url: serving.localUrl });
    const instance = await masto.v1.instance.fetch();
    expect(instance.uri).toBe("home.example");
    expect(instance.stats).toEqual({ userCount: 1, statusCount: 0, domainCount: 0 });
    expect(instance.contactAccount?.displayName).toBe("Ada");
    expect(instance.urls.streamingApi).toBe("wss://home.example");
    expect(await (await fetch(`${serving.localUrl}/api/v1/instance/rules`)).json()).toEqual([]);
    expect(await masto.v1.instance.peers.list()).toEqual([]);
    const response = await fetch(`${serving.localUrl}/api/v1/instance`, { headers: { Origin: "https://elk.example" } });
    expect(response.headers.get("access-control-allow-origin")).toBe("*");
  });

  it("answers the languages to post in, no translation pairs, and a privacy policy", async () => {
    const masto = createRestAPIClient({ url: serving.localUrl });
    const languages = (await masto.v1.instance.languages.list()) as unknown as Array<{ code: string; name: string }>;
    expect(languages).toHaveLength(184);
    expect(languages).toEqual(expect.arrayContaining([{ code: "en", name: "English" }, { code: "nb", name: "Norwegian Bokmål" }]));
    expect(await masto.v1.instance.translationLanguages.list()).toEqual({});
    const policy = (await (await fetch(`${serving.localUrl}/api/v1/instance/privacy_policy`)).json()) as { updated_at: string; content: string };
    expect(policy.updated_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(policy.content).toContain("<p>This server runs on the computer of the person who owns it.");
  });
});
