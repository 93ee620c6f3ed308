import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { Conflict, Forbidden, Invalid, NotFound } from "../../server/core/errors.ts";
import { answerError } from "../../server/http/errors.ts";
import { UserError } from "../../server/user-error.ts";

/** What a client sees when a handler throws the error. */
async function answerTo(error: unknown): Promise<{ status: number; body: unknown }> {
  const app = new Hono();
  app.onError(answerError);
  app.get("/", () => {
    throw error;
  });
  const response = await app.request("/");
  return { status: response.status, body: await response.json() };
}

describe("core's error kinds as HTTP answers, in Mastodon's error body", () => {
  it("answers a NotFound with Mastodon's generic sentence, whatever its own says", async () => {
    expect(await answerTo(new NotFound("There is no status 5."))).toEqual({ status: 404, body: { error: "Record not found" } });
  });

  it("answers the other kinds with their status and their sentence", async () => {
    expect(await answerTo(new Forbidden("You cannot follow yourself."))).toEqual({ status: 403, body: { error: "You cannot follow yourself." } });
    expect(await answerTo(new Conflict("This Hearth is already set up; sign in instead."))).toEqual({
      status: 409,
      body: { error: "This Hearth is already set up; sign in instead." },
    });
    expect(await answerTo(new Invalid("A list needs a title."))).toEqual({ status: 422, body: { error: "A list needs a title." } });
    // Outside core (media, tunnel), a UserError is input the client has to change as well.
    expect(await answerTo(new UserError("The file is empty."))).toEqual({ status: 422, body: { error: "The file is empty." } });
  });

  it("keeps the details of anything else in the log", async () => {
    expect(await answerTo(new Error("SQLITE_CORRUPT at row 7"))).toEqual({
      status: 500,
      body: { error: "Something went wrong on this server; the details are in its log." },
    });
  });

  it("answers a full disk (SQLite's SQLITE_FULL, or ENOSPC writing a media file, however wrapped) with 507 and a sentence", async () => {
    const full = (code: string) => Object.assign(new Error(`${code}: no room`), { code });
    for (const error of [full("SQLITE_FULL"), full("ENOSPC"), new Error("The upload could not be stored.", { cause: full("ENOSPC") })]) {
      const answer = await answerTo(error);
      expect(answer.status).toBe(507);
      expect((answer.body as { error: string }).error).toMatch(/^The disk is full: nothing of this request was saved/);
    }
    // Other failures of SQLite or the file system stay 500s.
    expect((await answerTo(full("SQLITE_IOERR"))).status).toBe(500);
    expect((await answerTo(full("EACCES"))).status).toBe(500);
  });

  it("lets the CLI print every kind as a UserError, without a stack", () => {
    for (const error of [new NotFound("a"), new Forbidden("b"), new Invalid("c"), new Conflict("d")]) expect(error).toBeInstanceOf(UserError);
  });
});
