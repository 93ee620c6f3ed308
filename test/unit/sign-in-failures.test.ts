import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { KEPT_SIGN_IN_FAILURES, listSignInFailures, recordSignInFailure } from "../../server/core/auth/sign-in-failures.ts";
import { openCoreDatabase, type CoreDatabase } from "../helpers/core-database.ts";

describe("the record of failed sign-ins", () => {
  let database: CoreDatabase;
  beforeEach(async () => {
    database = await openCoreDatabase("sign-in-failures");
  });
  afterEach(() => database.close());

  it("keeps the newest failures only, newest first, with what was typed cut short", async () => {
    const { core, clock } = database;
    for (let i = 0; i < KEPT_SIGN_IN_FAILURES + 5; i++) {
      await recordSignInFailure(core, `guess${i}`, { address: "203.0.113.5", userAgent: i === 0 ? null : "GuessBot/1.0" });
      clock.advance(1000);
    }
    await recordSignInFailure(core, "x".repeat(500), { address: "2001:db8::1", userAgent: "y".repeat(5000) });

    const kept = await listSignInFailures(core);
    expect(kept).toHaveLength(KEPT_SIGN_IN_FAILURES);
    expect(kept[0]).toMatchObject({ address: "2001:db8::1", created_at: clock.now().toISOString() });
    expect([...kept[0]!.username]).toHaveLength(64);
    expect(kept[0]!.user_agent?.length).toBeLessThanOrEqual(256);
    expect(kept[1]?.username).toBe(`guess${KEPT_SIGN_IN_FAILURES + 4}`);
    // The oldest six went to make room.
    expect(kept.at(-1)?.username).toBe("guess6");
  });
});
