import { describe, expect, it } from "vitest";
import { parseCloudflaredLine, parseCloudflaredVersion } from "../../server/tunnel/log-lines.ts";

// Lines as cloudflared prints them, from logs its users pasted into cloudflare/cloudflared issues
// (#946, #426, #735, #1593) and the Home Assistant add-on's tracker.
describe("cloudflared's log lines", () => {
  it("find the quick tunnel's address in the banner, and nowhere else", () => {
    const banner = [
      "2023-04-18T14:06:46Z INF Requesting new quick Tunnel on trycloudflare.com...",
      "2023-04-18T14:06:49Z INF +--------------------------------------------------------------------------------------------+",
      "2023-04-18T14:06:49Z INF |  Your quick Tunnel has been created! Visit it at (it may take some time to be reachable):  |",
      "2023-04-18T14:06:49Z INF |  https://buffalo-marco-cardiff-motel.trycloudflare.com                                     |",
    ];
    expect(banner.map(parseCloudflaredLine)).toEqual([undefined, undefined, undefined, { type: "quick-url", url: "https://buffalo-marco-cardiff-motel.trycloudflare.com" }]);
    expect(
      parseCloudflaredLine('failed to request quick Tunnel: Post "https://api.trycloudflare.com/tunnel": dial tcp: lookup api.trycloudflare.com: no such host'),
    ).toEqual({
      type: "error",
      message: 'Could not get a quick tunnel from trycloudflare.com (Post "https://api.trycloudflare.com/tunnel": dial tcp: lookup api.trycloudflare.com: no such host).',
    });
  });

  it("count the edge connections registered and lost", () => {
    expect(
      parseCloudflaredLine(
        "2024-07-09T08:18:43Z INF Registered tunnel connection connIndex=3 connection=bc19101e-b832-4cea-9d49-a0e562c57af8 event=0 ip=198.41.200.13 location=bru01 protocol=quic",
      ),
    ).toEqual({ type: "connection-registered", index: 3, connectionId: "bc19101e-b832-4cea-9d49-a0e562c57af8", location: "bru01", protocol: "quic" });
    expect(parseCloudflaredLine("2022-06-01T16:23:12Z INF Connection c206cf44-945f-4c3c-a85c-af60c6338dc2 registered connIndex=0 location=ORD")).toEqual({
      type: "connection-registered",
      index: 0,
      connectionId: "c206cf44-945f-4c3c-a85c-af60c6338dc2",
      location: "ORD",
      protocol: null,
    });
    expect(parseCloudflaredLine("2024-01-24T21:46:28Z INF Unregistered tunnel connection connIndex=2 event=0 ip=198.41.200.53")).toEqual({ type: "connection-lost", index: 2 });
    expect(parseCloudflaredLine('2024-01-24T21:46:28Z WRN Connection terminated error="timeout: no recent network activity" connIndex=2')).toEqual({
      type: "connection-lost",
      index: 2,
    });
  });

  it("find the metrics server and the version", () => {
    expect(parseCloudflaredLine("2021-08-02T13:44:44Z INF Starting metrics server on 127.0.0.1:38471/metrics")).toEqual({ type: "metrics", address: "127.0.0.1:38471" });
    expect(parseCloudflaredLine("2022-10-09T09:58:53Z INF Version 2022.10.0")).toEqual({ type: "version", version: "2022.10.0" });
    expect(parseCloudflaredVersion("cloudflared version 2024.8.2 (built 2024-08-20-1234 UTC)\n")).toBe("2024.8.2");
    expect(parseCloudflaredVersion("something else")).toBeNull();
  });

  it("take a refused token as final, and other errors as reasons to retry", () => {
    const refused = parseCloudflaredLine('2021-08-02T13:44:44Z ERR Register tunnel error from server side error="Unauthorized: Invalid tunnel secret" connIndex=0');
    expect(refused).toEqual({
      type: "fatal",
      reason: "Cloudflare refused the tunnel token (Unauthorized: Invalid tunnel secret); copy the token again from the Cloudflare dashboard.",
    });
    expect(
      parseCloudflaredLine('2024-09-11T21:31:09Z ERR Register tunnel error from server side error="Unauthorized: Failed to get tunnel" connIndex=0 event=0 ip=198.41.192.77'),
    ).toMatchObject({ type: "fatal", reason: expect.stringContaining("Unauthorized: Failed to get tunnel") });
    expect(parseCloudflaredLine("Provided Tunnel token is not valid.")).toMatchObject({ type: "fatal" });
    expect(
      parseCloudflaredLine('2024-07-09T08:18:30Z ERR Connection terminated error="failed to accept QUIC stream: timeout: no recent network activity" connIndex=2'),
    ).toEqual({ type: "connection-lost", index: 2 });
    expect(parseCloudflaredLine('2024-01-24T21:46:32Z ERR Serve tunnel error error="timeout: no recent network activity" connIndex=0 event=0 ip=198.41.200.23')).toEqual({
      type: "error",
      message: "timeout: no recent network activity",
    });
    expect(parseCloudflaredLine("2024-07-09T08:18:30Z INF Retrying connection in up to 1s connIndex=2 event=0 ip=198.41.192.167")).toBeUndefined();
  });
});
