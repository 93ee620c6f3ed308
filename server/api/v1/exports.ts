import { Hono } from "hono";
import { formatCsv } from "../../core/archive/csv.ts";
import { relationRows, type CsvExport } from "../../core/archive/relation-exports.ts";
import type { CoreContext } from "../../core/context.ts";
import { requireUser } from "../auth.ts";
import type { HonoApiEnv } from "../hono-env.ts";
import { viewerOf } from "../request-accounts.ts";

/** Each file, the scope that reads it (GoToSocial's), and the name Mastodon's own export gives it. */
const FILES: ReadonlyArray<readonly [CsvExport, string, string]> = [
  ["following", "read:follows", "following_accounts.csv"],
  ["followers", "read:follows", "followers.csv"],
  ["lists", "read:lists", "lists.csv"],
  ["blocks", "read:blocks", "blocked_accounts.csv"],
  ["mutes", "read:mutes", "muted_accounts.csv"],
  ["domain_blocks", "read:blocks", "blocked_domains.csv"],
  ["bookmarks", "read:bookmarks", "bookmarks.csv"],
];

/**
 * GET /api/v1/exports/{following,followers,lists,blocks,mutes}.csv as GoToSocial has them (apps such as slurp
 * use them), plus domain_blocks.csv and bookmarks.csv: Mastodon's CSV files, which POST /api/v1/import reads.
 */
export function exportRoutes({ core, origin }: { core: CoreContext; origin(): string }): Hono<HonoApiEnv> {
  const routes = new Hono<HonoApiEnv>();
  for (const [kind, scope, filename] of FILES) {
    routes.get(`/${kind}.csv`, requireUser(scope), async (c) => {
      const csv = formatCsv(await relationRows(core, viewerOf(c).id, kind, origin()));
      return c.body(csv, 200, { "Content-Type": "text/csv; charset=utf-8", "Content-Disposition": `attachment; filename="${filename}"` });
    });
  }
  return routes;
}
