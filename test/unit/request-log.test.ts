import { configure, reset, type LogRecord } from "@logtape/logtape";
import { Hono } from "hono";
import { afterEach, describe, expect, it } from "vitest";
import { requestLog } from "../../server/http/client-address.ts";

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
});
