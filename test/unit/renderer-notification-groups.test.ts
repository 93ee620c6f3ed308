import { describe, expect, it } from "vitest";
import type { Account, Notification, Status } from "../../renderer/src/api/entities.ts";
import { groupNotifications } from "../../renderer/src/state/notification-groups.ts";

const account = (id: string) => ({ id, acct: `user${id}`, username: `user${id}`, display_name: "" }) as Account;
const status = (id: string) => ({ id }) as Status;
let next = 100;
function notification(type: string, from: string, statusId?: string, createdAt = "2026-03-01T12:00:00.000Z"): Notification {
  next -= 1;
  return { id: String(next), type, account: account(from), status: statusId ? status(statusId) : null, created_at: createdAt };
}

describe("notifications, grouped as the list shows them", () => {
  it("gathers likes and boosts of one post, each account once, in newest-first order", () => {
    const list = [
      notification("favourite", "1", "50"),
      notification("mention", "2", "60"),
      notification("favourite", "3", "50"),
      notification("reblog", "1", "50"),
      notification("favourite", "1", "50"),
      notification("favourite", "4", "51"),
    ];
    const groups = groupNotifications(list);
    expect(groups.map((group) => [group.type, group.status?.id, group.accounts.map((item) => item.id)])).toEqual([
      ["favourite", "50", ["1", "3"]],
      ["mention", "60", ["2"]],
      ["reblog", "50", ["1"]],
      ["favourite", "51", ["4"]],
    ]);
    expect(groups[0]?.id).toBe(list[0]?.id);
  });

  it("never gathers mentions, and gathers follows by day", () => {
    const groups = groupNotifications([
      notification("mention", "1", "70"),
      notification("mention", "1", "70"),
      notification("follow", "2", undefined, "2026-03-02T09:00:00.000Z"),
      notification("follow", "3", undefined, "2026-03-02T08:00:00.000Z"),
      notification("follow", "4", undefined, "2026-03-01T08:00:00.000Z"),
    ]);
    expect(groups.map((group) => [group.type, group.accounts.length])).toEqual([
      ["mention", 1],
      ["mention", 1],
      ["follow", 2],
      ["follow", 1],
    ]);
  });
});
