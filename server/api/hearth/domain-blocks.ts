import { Hono, type Context } from "hono";
import type { CoreContext } from "../../core/context.ts";
import { Invalid } from "../../core/errors.ts";
import { exportBlocklist, importBlocklist, previewBlocklist, readBlocklist } from "../../core/moderation/blocklist-csv.ts";
import { adminDomainBlockRoutes } from "../admin/domain-blocks.ts";
import { requireUser } from "../auth.ts";
import type { HonoApiEnv } from "../hono-env.ts";
import { readParams } from "../params.ts";

/**
 * A blocklist's text, however it was sent: a CSV body (text/csv or text/plain), a file in a form (`file`, as
 * Mastodon's admin form sends it), or a `csv` text field (JSON or form).
 */
async function blocklistText(c: Context<HonoApiEnv>): Promise<string> {
  const type = c.req.header("content-type") ?? "";
  if (/^text\/(csv|plain)/i.test(type)) return c.req.text();
  const params = await readParams(c);
  const value = params.file ?? params.csv;
  if (value instanceof File) return value.text();
  if (typeof value === "string" && value.trim() !== "") return value;
  throw new Invalid("Send the blocklist as a CSV body (text/csv), as a file named file, or as a csv field.");
}

/**
 * /api/hearth/domain_blocks: the web client's domain blocks (the same as /api/v1/admin/domain_blocks, under the
 * read and write scopes its token has), and the blocklist in Mastodon's CSV:
 *   GET  /export          text/csv of every block
 *   POST /import/preview  what importing a CSV would do, line by line, and what it would cut; writes nothing
 *   POST /import          the same CSV applied, in one write, with each line's outcome
 * The route table guards it all with manageBlocks (owner and moderators).
 */
export function hearthDomainBlockRoutes(deps: { core: CoreContext; origin(): string }): Hono<HonoApiEnv> {
  const { core, origin } = deps;
  const routes = new Hono<HonoApiEnv>();
  const ownDomain = () => new URL(origin()).host.toLowerCase();

  routes.get("/export", requireUser("read"), async (c) => {
    const csv = await exportBlocklist(core);
    c.header("Content-Type", "text/csv; charset=utf-8");
    c.header("Content-Disposition", `attachment; filename="${ownDomain().replace(/[^a-z0-9.-]/g, "_")}-domain-blocks.csv"`);
    c.header("Cache-Control", "no-store");
    return c.body(csv);
  });

  routes.post("/import/preview", requireUser("write"), async (c) => {
    const lines = readBlocklist(await blocklistText(c), ownDomain());
    return c.json(await previewBlocklist(core, lines));
  });

  routes.post("/import", requireUser("write"), async (c) => {
    const lines = readBlocklist(await blocklistText(c), ownDomain());
    const { preview, results } = await importBlocklist(core, lines);
    const count = (action: string) => results.filter((result) => result.action === action).length;
    return c.json({
      totals: { ...preview.totals, created: count("new"), changed: count("change"), unchanged: count("unchanged"), failed: count("invalid") },
      results,
    });
  });

  routes.route("/", adminDomainBlockRoutes(deps, { read: ["read"], write: ["write"] }));
  return routes;
}
