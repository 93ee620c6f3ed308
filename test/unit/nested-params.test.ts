import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { readHashList as nestedHashList, readTextList as nestedTextList } from "../../server/api/input.ts";
import { readParams as readNestedParams, type Params as NestedParams } from "../../server/api/params.ts";

/** What the parser makes of a request, through a real Hono handler. */
async function parse(init: RequestInit & { query?: string } = {}): Promise<NestedParams> {
  const app = new Hono();
  let seen: NestedParams = {};
  app.all("/", async (c) => {
    seen = await readNestedParams(c);
    return c.text("ok");
  });
  await app.request(`/${init.query ?? ""}`, init);
  return seen;
}

describe("Rails-style nested parameters, as Mastodon reads them", () => {
  it("builds hashes and lists from bracketed names in a query string", async () => {
    const params = await parse({ query: "?id[]=1&id[]=2&source[privacy]=private&source[sensitive]=true&q=x" });
    expect(params).toEqual({ id: ["1", "2"], source: { privacy: "private", sensitive: "true" }, q: "x" });
  });

  it("starts the next hash of a [] list when a key repeats, in the order the form sent", async () => {
    const form = new URLSearchParams();
    form.append("keywords_attributes[][keyword]", "a");
    form.append("keywords_attributes[][whole_word]", "false");
    form.append("keywords_attributes[][keyword]", "b");
    form.append("keywords_attributes[][id]", "7");
    form.append("keywords_attributes[][_destroy]", "1");
    const params = await parse({ method: "POST", body: form });
    expect(nestedHashList(params, "keywords_attributes")).toEqual([
      { keyword: "a", whole_word: "false" },
      { keyword: "b", id: "7", _destroy: "1" },
    ]);
  });

  it("reads Mastodon's hash-of-indexes form in index order, from multipart as from JSON", async () => {
    const form = new FormData();
    form.append("fields_attributes[1][name]", "second");
    form.append("fields_attributes[0][name]", "first");
    form.append("fields_attributes[0][value]", "one");
    const multipart = await parse({ method: "PATCH", body: form });
    expect(nestedHashList(multipart, "fields_attributes")).toEqual([{ name: "first", value: "one" }, { name: "second" }]);

    const json = await parse({
      method: "PATCH",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ fields_attributes: { "10": { name: "ten" }, "2": { name: "two" } } }),
    });
    expect(nestedHashList(json, "fields_attributes")?.map((field) => field.name)).toEqual(["two", "ten"]);
  });

  it("lets the body win over the query, and takes a single value as a list of one", async () => {
    const params = await parse({ method: "POST", query: "?title=query&context[]=home", body: new URLSearchParams({ title: "body" }) });
    expect(params.title).toBe("body");
    expect(nestedTextList(params, "context")).toEqual(["home"]);
    expect(nestedTextList({ account_ids: "5" }, "account_ids")).toEqual(["5"]);
  });
});
