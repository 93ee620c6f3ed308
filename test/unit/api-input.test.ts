import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { clearable, file, flag, hash, hashList, id, oneOf, readInput, requiredText, text, textList, type Shape } from "../../server/api/input.ts";
import { paging } from "../../server/api/pagination.ts";
import { answerError } from "../../server/http/errors.ts";

/** The input a shape reads from a request, or the refusal a client sees, through a real Hono handler. */
async function read(shape: Shape, init: RequestInit & { query?: string } = {}): Promise<{ status: number; body: unknown }> {
  const app = new Hono();
  app.onError(answerError);
  app.all("/", async (c) => c.json(await readInput(c, shape)));
  const response = await app.request(`/${init.query ?? ""}`, init);
  return { status: response.status, body: await response.json() };
}

const json = (body: unknown): RequestInit => ({ method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });

describe("an endpoint's declared input", () => {
  it("reads text, Rails' booleans, lists and ids alike from a query, a form and JSON", async () => {
    const shape = { status: text(), sensitive: flag(), local: flag(false), context: textList(), in_reply_to_id: id() };
    const expected = { status: 200, body: { status: "hi", sensitive: false, local: true, context: ["home", "public"], in_reply_to_id: "000000000000000042" } };
    expect(await read(shape, { query: "?status=hi&sensitive=0&local=1&context[]=home&context[]=public&in_reply_to_id=42" })).toEqual(expected);
    expect(await read(shape, { method: "POST", body: new URLSearchParams("status=hi&sensitive=false&local=true&context[]=home&context[]=public&in_reply_to_id=42") })).toEqual(expected);
    expect(await read(shape, json({ status: "hi", sensitive: false, local: 1, context: ["home", "public"], in_reply_to_id: 42 }))).toEqual(expected);
  });

  it("reads hashes and lists of hashes with their own shapes", async () => {
    const shape = { source: hash({ privacy: text(), language: clearable(text()) }), fields_attributes: hashList({ name: text(), value: text() }) };
    const form = new URLSearchParams("source[privacy]=private&source[language]=&fields_attributes[1][name]=b&fields_attributes[0][name]=a&fields_attributes[0][value]=1");
    expect(await read(shape, { method: "PATCH", body: form })).toEqual({
      status: 200,
      body: { source: { privacy: "private", language: null }, fields_attributes: [{ name: "a", value: "1" }, { name: "b" }] },
    });
  });

  it("refuses a value of the wrong shape with a 422 that names the parameter", async () => {
    expect(await read({ sensitive: flag() }, json({ sensitive: { a: 1 } }))).toEqual({ status: 422, body: { error: "sensitive must be true or false." } });
    expect(await read({ fields_attributes: hashList({}) }, json({ fields_attributes: "x" }))).toEqual({ status: 422, body: { error: "fields_attributes must be a list." } });
    expect(await read({ fields_attributes: hashList({}) }, json({ fields_attributes: ["x"] }))).toEqual({
      status: 422,
      body: { error: "Each entry of fields_attributes must have named parts." },
    });
    expect(await read({ file: file() }, { method: "POST", body: new URLSearchParams("file=photo.png") })).toEqual({
      status: 422,
      body: { error: "file must be sent as a file (multipart/form-data)." },
    });
    expect(await read({ limit: text(), page: paging() }, { query: "?limit=many" })).toEqual({ status: 422, body: { error: 'limit must be a whole number, not "many".' } });
    expect(await read({ order: oneOf(["active", "new"], (order) => `order must be "active" or "new", not "${order}".`) }, { query: "?order=old" })).toEqual({
      status: 422,
      body: { error: 'order must be "active" or "new", not "old".' },
    });
    expect(await read({ q: requiredText("Give the words to search for as q.", { trim: true }) }, { query: "?q=%20" })).toEqual({
      status: 422,
      body: { error: "Give the words to search for as q." },
    });
  });

  it("refuses a body that cannot be read", async () => {
    expect(await read({}, { method: "POST", headers: { "Content-Type": "application/json" }, body: "{nope" })).toEqual({ status: 422, body: { error: "The request body is not valid JSON." } });
    expect(await read({}, json([1]))).toEqual({ status: 422, body: { error: "The request body must be a JSON object." } });
  });
});
