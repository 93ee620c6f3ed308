import { nodeInfoToJson } from "@fedify/fedify";
import { Hono } from "hono";
import type { CoreContext } from "../core/context.ts";
import { nodeInfoDocument } from "../federation/nodeinfo.ts";

const SCHEMA = "http://nodeinfo.diaspora.software/ns/schema";
const HEADERS = { "Access-Control-Allow-Origin": "*", "Cache-Control": "public, max-age=1800" };

/**
 * NodeInfo at 2.0 as well as 2.1: crawlers and older software (and some apps) read only 2.0, and browser
 * clients read it cross-origin. The discovery document lists both; Fedify's dispatcher serves 2.1.
 */
export function nodeInfoVersionRoutes(core: CoreContext, origin: () => string): Hono {
  const routes = new Hono();
  routes.get("/.well-known/nodeinfo", (c) =>
    c.json(
      {
        links: [
          { rel: `${SCHEMA}/2.0`, href: `${origin()}/nodeinfo/2.0` },
          { rel: `${SCHEMA}/2.1`, href: `${origin()}/nodeinfo/2.1` },
        ],
      },
      200,
      HEADERS,
    ),
  );
  routes.get("/nodeinfo/2.0", async (c) => {
    const document = nodeInfoToJson(await nodeInfoDocument(core)) as Record<string, unknown> & { software: Record<string, unknown> };
    // 2.0's software has only name and version.
    const { repository: _repository, homepage: _homepage, ...software } = document.software;
    return c.json({ ...document, version: "2.0", software }, 200, {
      ...HEADERS,
      "Content-Type": `application/json; profile="${SCHEMA}/2.0#"`,
    });
  });
  return routes;
}
