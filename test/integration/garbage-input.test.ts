import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiUser, type ApiUser } from "../helpers/api-accounts.ts";
import { draftSignedRequest, rfc9421SignedRequest } from "../helpers/http-signatures.ts";
import { startInstances, type InstanceGroup, type TestInstance } from "../helpers/instances.ts";
import { startKeyedPeer, type KeyedPeer, type PeerActor } from "../helpers/keyed-peer.ts";

/** One request of the table: what it is, and how to send it. */
interface Garbage {
  what: string;
  send(): Promise<Response>;
}

const TOO_BIG = "99999999999999999999999999999";
const NOT_JSON = "{ this is not json";
/** Arrays and objects where the endpoints take strings, numbers past any column, booleans that are not. */
const WRONG_SHAPES = JSON.stringify({
  status: ["a", "b"],
  visibility: { public: true },
  media_ids: "abc",
  in_reply_to_id: Number(TOO_BIG),
  poll: { options: "red", expires_in: 1e308, multiple: "maybe" },
  scheduled_at: "soon",
  sensitive: "maybe",
  spoiler_text: { a: 1 },
  title: ["x"],
  context: "home",
  expires_in: -1,
  keywords_attributes: "x",
  display_name: ["x"],
  fields_attributes: "x",
  choices: "x",
  account_ids: "x",
  limit: 1e308,
});

/**
 * Whatever a client or a peer sends, Hearth answers with a 4xx and a sentence, never a 5xx: malformed
 * JSON, the wrong content type, absurd query values, numbers past any column, arrays where strings are
 * expected, and signature headers that cannot be read.
 */
describe("garbage in: every answer is below 500", () => {
  let group: InstanceGroup;
  let gina: TestInstance;
  let user: ApiUser;
  let peer: KeyedPeer;
  let sam: PeerActor;
  const table: Garbage[] = [];

  beforeAll(async () => {
    // The table is longer than Mastodon's 300 API calls per 5 minutes.
    const roomy = { limit: 100_000, periodSeconds: 300 };
    group = await startInstances([{ username: "gina", options: { rateLimits: { api: roomy, signIn: roomy } } }]);
    [gina] = group.instances as [TestInstance];
    user = await apiUser(gina.core, gina.url, gina.owner, ["read", "write", "follow", "push"]);
    peer = await startKeyedPeer();
    sam = await peer.addActor("sam");
  });
  afterAll(async () => {
    await group?.close();
    await peer?.close();
  });

  function fillTable() {
    const get = (what: string, path: string, init: RequestInit = {}) => table.push({ what, send: () => fetch(`${gina.url}${path}`, init) });
    const api = (what: string, method: string, path: string, init: RequestInit = {}) => table.push({ what, send: () => user.request(path, { method, ...init }) });
    const post = (what: string, path: string, contentType: string | null, body: string) =>
      table.push({ what, send: () => fetch(`${gina.url}${path}`, { method: "POST", headers: contentType ? { "Content-Type": contentType } : {}, body }) });

    for (const query of ["", "resource=", "resource=acct:", "resource=acct:%00@%00", "resource[]=a&resource[]=b", "resource=%ZZ", "resource=https://[zz", `resource=acct:${"a".repeat(5000)}@${gina.host}`, `resource=acct:gina@${gina.host}&rel[]=self`]) {
      get(`WebFinger ?${query.slice(0, 40)}`, `/.well-known/webfinger?${query}`);
    }

    for (const query of ["", "response_type[]=code", "response_type=code&client_id=%00&redirect_uri=zz&scope[]=read", "client_id[]=a&client_id[]=b", `response_type=code&client_id=${TOO_BIG}&code_challenge_method=zzz&code_challenge[]=a`]) {
      get(`GET /oauth/authorize ?${query.slice(0, 40)}`, `/oauth/authorize?${query}`);
    }
    const form = "application/x-www-form-urlencoded";
    for (const [type, body] of [
      ["application/json", NOT_JSON],
      ["application/json", "[1,2,3]"],
      ["application/json", "null"],
      ["application/json", WRONG_SHAPES],
      ["text/plain", "grant_type=password"],
      ["multipart/form-data", "not multipart"],
      [form, "grant_type[]=password&client_id[x]=y"],
      [form, `grant_type=client_credentials&client_id=%ZZ&client_secret=${"a".repeat(100_000)}`],
      [form, "grant_type=authorization_code&code[]=a&client_id=abc&client_secret=abc&redirect_uri=%00&code_verifier[]=x"],
      [form, "grant_type=refresh_token&refresh_token=%00"],
      [null, ""],
    ] as const) {
      for (const path of ["/oauth/token", "/oauth/revoke", "/oauth/authorize", "/api/v1/apps"]) post(`POST ${path} ${type} ${body.slice(0, 30)}`, path, type, body);
    }

    const queries = ["limit=abc", "limit=1e309", "limit=-5", `limit=${TOO_BIG}`, "max_id=abc&since_id=%00&min_id=-1", "limit[]=1&max_id[]=2", "limit=%ZZ", "types[]=%00&exclude_types=zzz", "q=%00&resolve=maybe&type=zzz&offset=1e400", "id[]=abc&id[]=" + TOO_BIG];
    for (const path of ["/api/v1/timelines/home", "/api/v1/timelines/public", "/api/v1/timelines/tag/%00", "/api/v1/notifications", "/api/v2/notifications", "/api/v2/search", "/api/v1/accounts/relationships", "/api/v1/accounts/search", "/api/v1/accounts/lookup", `/api/v1/accounts/${gina.owner.id}/statuses`, "/api/v1/statuses", "/api/v1/markers", "/api/v1/directory"]) {
      for (const query of queries) api(`GET ${path}?${query}`, "GET", `${path}?${query}`);
    }
    for (const id of ["abc", TOO_BIG, "-1", "%00", "%E0%A4%A", "1e400"]) {
      for (const path of [`/api/v1/statuses/${id}`, `/api/v1/accounts/${id}`, `/api/v1/lists/${id}`, `/api/v2/filters/${id}`, `/api/v1/polls/${id}`]) api(`GET ${path}`, "GET", path);
      api(`POST /api/v1/statuses/${id}/favourite`, "POST", `/api/v1/statuses/${id}/favourite`);
    }
    for (const [type, body] of [
      ["application/json", NOT_JSON],
      ["application/json", "[1,2,3]"],
      ["application/json", '"a string"'],
      ["application/json", WRONG_SHAPES],
      [form, "status[]=a&status[x]=b&media_ids=abc&poll[options]=x&poll[expires_in]=1e400"],
      [form, "a[b][c][d][e][f][g][h]=1&a[]=2&%ZZ=3"],
      ["multipart/form-data; boundary=zzz", '--zzz\r\nContent-Disposition: form-data; name="status"\r\n\r\nhi\r\n--zz'],
      ["application/xml", "<status/>"],
    ] as const) {
      for (const [method, path] of [
        ["POST", "/api/v1/statuses"],
        ["POST", "/api/v1/lists"],
        ["POST", "/api/v2/filters"],
        ["PATCH", "/api/v1/accounts/update_credentials"],
        ["POST", "/api/v1/markers"],
        ["POST", "/api/v1/reports"],
        ["POST", "/api/v1/push/subscription"],
      ] as const) {
        api(`${method} ${path} ${type} ${body.slice(0, 30)}`, method, path, { headers: { "Content-Type": type }, body });
      }
    }

    // Signature headers Fedify would have answered with 500.
    const activity = JSON.stringify({ "@context": "https://www.w3.org/ns/activitystreams", id: `${sam.id.href}/likes/1`, type: "Like", actor: sam.id.href, object: gina.actorUri });
    const covered = ["(request-target)", "host", "date", "digest"];
    table.push({ what: "inbox: a garbage Date header", send: async () => fetch(await draftSignedRequest(`${gina.url}/inbox`, "POST", activity, sam.rsa, { covered, date: "not a date" })) });
    table.push({
      what: "inbox: an RFC 9421 label whose created no clock holds",
      send: async () => fetch(await rfc9421SignedRequest(`${gina.url}/inbox`, "POST", activity, sam.rsa, { components: ["@method", "@target-uri", "content-digest"], created: -99_999_999_999_999 })),
    });
    table.push({ what: "signed fetch: a garbage Date header", send: async () => fetch(await draftSignedRequest(gina.actorUri, "GET", null, sam.rsa, { covered: ["(request-target)", "host", "date"], date: "32/13/-1" })) });
  }

  it("answers each with a status below 500", async () => {
    fillTable();
    const answers: string[] = [];
    for (const garbage of table) {
      const response = await garbage.send();
      await response.arrayBuffer();
      answers.push(`${response.status} ${garbage.what}`);
    }
    expect(answers.filter((answer) => Number(answer.slice(0, 3)) >= 500)).toEqual([]);
    // The table reached the endpoints rather than stopping at the door: some were taken, many refused.
    expect(answers.filter((answer) => answer.startsWith("200 ")).length).toBeGreaterThan(10);
    expect(answers.filter((answer) => /^4\d\d /.test(answer)).length).toBeGreaterThan(table.length / 2);
    expect(answers.filter((answer) => answer.startsWith("429 "))).toEqual([]);
  });
});
