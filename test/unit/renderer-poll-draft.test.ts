import { describe, expect, it } from "vitest";
import type { Poll } from "../../renderer/src/api/entities.ts";
import { pollDraftOf } from "../../renderer/src/components/compose-poll.tsx";

const NOW = Date.parse("2026-06-01T12:00:00.000Z");

function poll(expiresAt: string | null, multiple = false): Poll {
  return {
    id: "1",
    expires_at: expiresAt,
    expired: false,
    multiple,
    votes_count: 3,
    voters_count: 3,
    options: [
      { title: "Tea", votes_count: 2 },
      { title: "Coffee", votes_count: 1 },
    ],
    emojis: [],
  };
}

describe("a post's poll in the compose form, to edit or redraft", () => {
  it("keeps the choices and the one-or-several rule", () => {
    expect(pollDraftOf(poll("2026-06-02T12:00:00.000Z", true), NOW)).toEqual({ options: ["Tea", "Coffee"], expiresIn: 86_400, multiple: true });
  });

  it("runs for the shortest choice of duration that covers the time it has left, or the longest", () => {
    expect(pollDraftOf(poll("2026-06-01T12:04:00.000Z"), NOW).expiresIn).toBe(300);
    expect(pollDraftOf(poll("2026-06-01T12:40:00.000Z"), NOW).expiresIn).toBe(3_600);
    expect(pollDraftOf(poll("2026-06-03T12:00:00.000Z"), NOW).expiresIn).toBe(259_200);
    expect(pollDraftOf(poll("2026-07-01T12:00:00.000Z"), NOW).expiresIn).toBe(604_800);
  });

  it("runs a day when it has ended or has no end", () => {
    expect(pollDraftOf(poll("2026-05-31T12:00:00.000Z"), NOW).expiresIn).toBe(86_400);
    expect(pollDraftOf(poll(null), NOW).expiresIn).toBe(86_400);
  });
});
