import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PublicFetchError } from "../../server/net/outgoing-policy.ts";
import { fetchLinkedResource, type ResourceFetchOptions } from "../../server/link-previews/page-fetch.ts";

const MEGABYTE = 1024 * 1024;

describe("Fetching a linked page, guarded", () => {
  let site: Server;
  let siteUrl: string;
  const hits = new Map<string, number>();
  const userAgents: string[] = [];
  const hugePage = `<html><head><title>Huge</title></head><body>${"x".repeat(3 * MEGABYTE)}</body></html>`;

  beforeAll(async () => {
    site = createServer((request, response) => {
      const path = request.url ?? "";
      hits.set(path, (hits.get(path) ?? 0) + 1);
      userAgents.push(request.headers["user-agent"] ?? "");
      if (path === "/huge") {
        response.writeHead(200, { "Content-Type": "text/html; charset=UTF-8" });
        response.end(hugePage);
      } else if (path === "/loop") {
        response.writeHead(302, { Location: "/loop" });
        response.end();
      } else if (path === "/moved") {
        response.writeHead(301, { Location: "/huge" });
        response.end();
      } else if (path === "/to-file") {
        response.writeHead(302, { Location: "file:///etc/passwd" });
        response.end();
      } else if (path === "/slow") {
        response.writeHead(200, { "Content-Type": "text/html" });
        response.write("<html><head>");
        // ...and never more: the deadline must end the fetch.
      } else if (path === "/gone") {
        response.writeHead(404);
        response.end();
      } else {
        response.writeHead(200, { "Content-Type": "application/pdf" });
        response.end("%PDF-1.7");
      }
    });
    await new Promise<void>((resolve) => site.listen(0, "127.0.0.1", resolve));
    siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    site.closeAllConnections();
    await new Promise((resolve) => site.close(resolve));
  });

  const options = (overrides: Partial<ResourceFetchOptions> = {}): ResourceFetchOptions => ({
    allowPrivateNetwork: true,
    maxBytes: MEGABYTE,
    overflow: "truncate",
    accept: "text/html",
    userAgent: "Hearth/test (+http://hearth.test) Bot",
    timeoutMs: 5_000,
    maxRedirects: 3,
    ...overrides,
  });

  it("reads a huge page's first megabyte only, and says it was cut", async () => {
    const page = await fetchLinkedResource(`${siteUrl}/moved`, options());
    expect(page.url.href).toBe(`${siteUrl}/huge`);
    expect(page).toMatchObject({ mediaType: "text/html", charset: "UTF-8", isTruncated: true });
    expect(page.body.byteLength).toBe(MEGABYTE);
    expect(new TextDecoder().decode(page.body.subarray(0, 40))).toBe(hugePage.slice(0, 40));
    expect(userAgents.at(-1)).toBe("Hearth/test (+http://hearth.test) Bot");
  });

  it("refuses a body over the limit where a cut one is useless (pictures)", async () => {
    await expect(fetchLinkedResource(`${siteUrl}/huge`, options({ overflow: "refuse" }))).rejects.toThrow(/more than the 1048576 bytes/);
  });

  it("reports the type of what is not a page, so the caller can leave it", async () => {
    expect(await fetchLinkedResource(`${siteUrl}/report.pdf`, options())).toMatchObject({ mediaType: "application/pdf", charset: undefined });
  });

  it("follows a few redirects, not endlessly, and never to another scheme", async () => {
    await expect(fetchLinkedResource(`${siteUrl}/loop`, options())).rejects.toThrow(/redirects more than 3 times/);
    expect(hits.get("/loop")).toBe(4);
    await expect(fetchLinkedResource(`${siteUrl}/to-file`, options())).rejects.toThrow(/not an http\(s\) address/);
    await expect(fetchLinkedResource(`${siteUrl}/gone`, options())).rejects.toThrow(/answered 404/);
  });

  it("gives up on a server that stops answering, at the deadline", async () => {
    const error = await fetchLinkedResource(`${siteUrl}/slow`, options({ timeoutMs: 300 })).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PublicFetchError);
    expect(String(error)).toMatch(/did not answer within 300 ms/);
  });

  it("fetches nothing on this machine or the LAN unless private networks are allowed", async () => {
    const before = hits.get("/huge") ?? 0;
    for (const address of [`${siteUrl}/huge`, `http://localhost:${new URL(siteUrl).port}/huge`, "http://[::1]/", "http://169.254.169.254/latest/meta-data/"]) {
      await expect(fetchLinkedResource(address, options({ allowPrivateNetwork: false })), address).rejects.toBeInstanceOf(PublicFetchError);
    }
    expect(hits.get("/huge") ?? 0).toBe(before);
  });
});
