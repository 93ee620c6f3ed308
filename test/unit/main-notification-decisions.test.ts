import { describe, expect, it } from "vitest";
import type { AccountView, NotificationView, StatusView } from "../../main/hearth-client.ts";
import {
  badgeAfterRead,
  badgeAfterReceived,
  catchUpNotifications,
  EMPTY_BADGE,
  htmlToPlainText,
  isNewerId,
  nativeNotificationFor,
  newestUnread,
  type NativeNotification,
} from "../../main/notification-decisions.ts";

const bob: AccountView = { id: "111", username: "bob", acct: "bob@remote.example", display_name: "Bob Builder" };

function status(change: Partial<StatusView> = {}): StatusView {
  return {
    id: "113000000000000001",
    visibility: "public",
    spoiler_text: "",
    content: '<p><span class="h-card"><a href="https://social.example/@alice" class="u-url mention">@<span>alice</span></a></span> tea &amp; cake at 5?</p>',
    account: bob,
    ...change,
  };
}

function notification(type: string, change: Partial<NotificationView> = {}): NotificationView {
  return { id: "200000000000000001", type, created_at: "2026-05-01T12:00:00.000Z", account: bob, status: null, ...change };
}

const unfocused = { isWindowFocused: false };

describe("which notifications become native ones", () => {
  it("a mention: who, the text as plain text, and a click opens the post", () => {
    expect(nativeNotificationFor(notification("mention", { status: status() }), unfocused)).toEqual({
      id: "200000000000000001",
      title: "Bob Builder mentioned you",
      body: "@alice tea & cake at 5?",
      path: "/@bob@remote.example/113000000000000001",
    });
  });

  it("a direct message: a mention whose status is direct, titled as a message", () => {
    const shown = nativeNotificationFor(notification("mention", { status: status({ visibility: "direct" }) }), unfocused);
    expect(shown?.title).toBe("Direct message from Bob Builder");
    expect(shown?.path).toBe("/@bob@remote.example/113000000000000001");
  });

  it("a follow (and a follow request): who, and a click opens the profile or the requests", () => {
    expect(nativeNotificationFor(notification("follow"), unfocused)).toEqual({
      id: "200000000000000001",
      title: "Bob Builder followed you",
      body: "@bob@remote.example",
      path: "/@bob@remote.example",
    });
    expect(nativeNotificationFor(notification("follow_request"), unfocused)?.title).toBe("Bob Builder asked to follow you");
  });

  it("favourites, boosts, polls and the rest stay in the app", () => {
    for (const type of ["favourite", "reblog", "poll", "status", "update", "admin.sign_up", "something.new"]) {
      expect(nativeNotificationFor(notification(type, { status: status() }), unfocused)).toBeNull();
    }
  });

  it("nothing pops up while the window has focus: the person is looking at Hearth", () => {
    expect(nativeNotificationFor(notification("mention", { status: status() }), { isWindowFocused: true })).toBeNull();
  });

  it("a post behind a content warning shows the warning, never the text", () => {
    const shown = nativeNotificationFor(notification("mention", { status: status({ spoiler_text: "food", content: "<p>secret recipe</p>" }) }), unfocused);
    expect(shown?.body).toBe("Content warning: food");
  });

  it("uses the username when there is no display name, and shortens a long post", () => {
    const shown = nativeNotificationFor(
      notification("mention", { account: { ...bob, display_name: "  " }, status: status({ content: `<p>${"word ".repeat(100)}</p>` }) }),
      unfocused,
    );
    expect(shown?.title).toBe("bob mentioned you");
    expect([...(shown?.body ?? "")].length).toBeLessThanOrEqual(200);
    expect(shown?.body.endsWith("…")).toBe(true);
  });
});

describe("HTML to the plain text a notification shows", () => {
  it("keeps line breaks and paragraphs, drops tags, decodes entities", () => {
    expect(htmlToPlainText("<p>one<br>two</p><p>three &lt;3 &#x1F525; &#38; &quot;q&quot;</p>")).toBe('one\ntwo\n\nthree <3 🔥 & "q"');
  });

  it("leaves what is not an entity alone and never produces markup from entities", () => {
    expect(htmlToPlainText("<p>&madeup; &#99999999; &lt;script&gt;</p>")).toBe("&madeup; &#99999999; <script>");
  });
});

describe("notifications that arrived while Hearth was not listening", () => {
  const shown = (id: string): NativeNotification => ({ id, title: `t${id}`, body: "", path: "/" });

  it("shows up to three one by one", () => {
    expect(catchUpNotifications([shown("1"), shown("2"), shown("3")]).map((n) => n.id)).toEqual(["1", "2", "3"]);
  });

  it("counts more than three in one notification that opens the notifications page", () => {
    expect(catchUpNotifications([shown("8"), shown("9"), shown("10"), shown("11")])).toEqual([
      { id: "summary-11", title: "Hearth", body: "4 new mentions, follows and messages", path: "/notifications" },
    ]);
  });
});

describe("ids and the badge", () => {
  it("compares Mastodon ids by time, which is by length first", () => {
    expect(isNewerId("100", "99")).toBe(true);
    expect(isNewerId("99", "100")).toBe(false);
    expect(isNewerId("113000000000000002", "113000000000000001")).toBe(true);
    expect(isNewerId("5", "5")).toBe(false);
    expect(isNewerId("5", null)).toBe(true);
  });

  it("counts notifications newer than the marker, once each, and clears what the marker passes", () => {
    let badge = badgeAfterRead(EMPTY_BADGE, "100");
    badge = badgeAfterReceived(badge, ["99", "101", "102"]);
    badge = badgeAfterReceived(badge, ["102", "103"]);
    expect(badge.unread).toEqual(["101", "102", "103"]);
    expect(newestUnread(badge)).toBe("103");
    badge = badgeAfterRead(badge, "102");
    expect(badge.unread).toEqual(["103"]);
    // A marker that goes backwards (an older answer arriving late) changes nothing.
    expect(badgeAfterRead(badge, "101")).toBe(badge);
    expect(badgeAfterRead(badge, "103").unread).toEqual([]);
  });
});
