import { configure, reset, type LogRecord } from "@logtape/logtape";
import { Hono } from "hono";
import { afterEach, describe, expect, it } from "vitest";
import type { HonoApiEnv } from "../../server/api/hono-env.ts";
import { identifyClient, requestLog } from "../../server/http/client-address.ts";

/** What the request log wrote for one request, with its lines kept from `lowestLevel` up. */
async function logOf(lowestLevel: "debug" | "error"): Promise<LogRecord[]> {
  const records: LogRecord[] = [];
  await configure({
    reset: true,
    sinks: { memory: (record) => records.push(record) },
    loggers: [
      { category: ["hearth", "http", "requests"], lowestLevel, sinks: ["memory"] },
      { category: ["logtape", "meta"], lowestLevel: "error", sinks: [] },
    ],
  });
  const app = new Hono();
  app.use(requestLog());
  app.get("/api/v1/timelines/home", (c) => c.json([], 200));
  const answer = await app.request("http://127.0.0.1/api/v1/timelines/home?limit=40");
  expect(answer.status).toBe(200);
  return records;
}

describe("requestLog: one debug line a request", () => {
  afterEach(async () => {
    await reset();
  });

  it("names the method, path, status, client and listener when debug lines are kept", async () => {
    const records = await logOf("debug");
    expect(records).toHaveLength(1);
    expect(records[0]!.level).toBe("debug");
    expect(records[0]!.properties).toMatchObject({ method: "GET", path: "/api/v1/timelines/home", status: 200, client: "unknown", listener: "main" });
    expect(typeof records[0]!.properties.ms).toBe("number");
  });

  it("writes nothing when only errors are kept", async () => {
    expect(await logOf("error")).toEqual([]);
  });

  it("asks a connection's socket for its address once, and not at all for a line nobody keeps", async () => {
    let asked = 0;
    const socket = {
      get remoteAddress() {
        asked += 1;
        return "192.0.2.7";
      },
      remotePort: 50_000,
      remoteFamily: "IPv4",
    };
    const bindings = { incoming: { socket }, listener: "main" };
    const records: LogRecord[] = [];
    const app = new Hono<HonoApiEnv>();
    app.use(requestLog());
    app.use(identifyClient());
    app.get("/", (c) => c.text(c.get("client").address));
    const logAt = (lowestLevel: "debug" | "error") =>
      configure({
        reset: true,
        sinks: { memory: (record) => records.push(record) },
        loggers: [
          { category: ["hearth", "http", "requests"], lowestLevel, sinks: ["memory"] },
          { category: ["logtape", "meta"], lowestLevel: "error", sinks: [] },
        ],
      });

    await logAt("error");
    expect(await (await app.request("http://127.0.0.1/", {}, bindings)).text()).toBe("192.0.2.7");
    // identifyClient asked once; the line nobody keeps asked nothing.
    expect(asked).toBe(1);
    expect(records).toEqual([]);

    await logAt("debug");
    expect(await (await app.request("http://127.0.0.1/", {}, bindings)).text()).toBe("192.0.2.7");
    expect(await (await app.request("http://127.0.0.1/", {}, bindings)).text()).toBe("192.0.2.7");
    // The same connection: its address is remembered, for the handlers and for the log lines alike.
    expect(asked).toBe(1);
    expect(records.map((record) => record.properties.client)).toEqual(["192.0.2.7", "192.0.2.7"]);
  });
});
