import { describe, expect, it } from "vitest";
import { sameServerUrl, setPublicHost } from "../../renderer/src/media-url.ts";
import { shortAge, timeLeft } from "../../renderer/src/text/relative-time.ts";

describe("times as the timeline writes them", () => {
  const now = new Date("2026-03-10T12:00:00.000Z");
  it("gives a post's age in the short form, then the date", () => {
    expect(shortAge("2026-03-10T11:59:30.000Z", now)).toBe("now");
    expect(shortAge("2026-03-10T11:55:00.000Z", now)).toBe("5m");
    expect(shortAge("2026-03-10T09:00:00.000Z", now)).toBe("3h");
    expect(shortAge("2026-03-08T12:00:00.000Z", now)).toBe("2d");
    expect(shortAge("2026-02-01T12:00:00.000Z", now, "en-GB")).toBe("1 Feb");
    expect(shortAge("2025-02-01T12:00:00.000Z", now, "en-GB")).toBe("1 Feb 2025");
    expect(shortAge("not a date", now)).toBe("");
  });

  it("says how long a poll stays open, in the singular where it is one", () => {
    expect(timeLeft("2026-03-10T12:00:30.000Z", now)).toBe("1 minute left");
    expect(timeLeft("2026-03-10T12:30:00.000Z", now)).toBe("30 minutes left");
    expect(timeLeft("2026-03-10T13:00:00.000Z", now)).toBe("1 hour left");
    expect(timeLeft("2026-03-11T12:00:00.000Z", now)).toBe("1 day left");
    expect(timeLeft("2026-03-13T12:00:00.000Z", now)).toBe("3 days left");
    expect(timeLeft("2026-03-10T11:00:00.000Z", now)).toBe("closed");
  });
});

describe("this server's own media, loaded from where the page is", () => {
  it("rewrites addresses on the public origin to the page's origin, and leaves other servers alone", () => {
    setPublicHost("some-words.trycloudflare.com");
    const local = "http://127.0.0.1:8330";
    expect(sameServerUrl("https://some-words.trycloudflare.com/media/a/b.png?x=1", local)).toBe("http://127.0.0.1:8330/media/a/b.png?x=1");
    // A remote attachment's proxy address keeps its key: without it the proxy answers 404.
    expect(sameServerUrl("https://some-words.trycloudflare.com/media_proxy/123/small?k=AbC-_9", local)).toBe("http://127.0.0.1:8330/media_proxy/123/small?k=AbC-_9");
    expect(sameServerUrl("https://mastodon.example/media/a.png", local)).toBe("https://mastodon.example/media/a.png");
    expect(sameServerUrl("https://some-words.trycloudflare.com/x.png", "https://some-words.trycloudflare.com")).toBe("https://some-words.trycloudflare.com/x.png");
    expect(sameServerUrl(null, local)).toBe("");
    setPublicHost(undefined);
    expect(sameServerUrl("https://some-words.trycloudflare.com/x.png", local)).toBe("https://some-words.trycloudflare.com/x.png");
  });
});
