import { Hono } from "hono";
import type { CoreContext } from "../../core/context.ts";
import { fileReport, ReportedStatusNotFound } from "../../core/moderation/reports.ts";
import { requireUser } from "../auth.ts";
import type { HonoApiEnv } from "../hono-env.ts";
import { renderAccount } from "../entities/account-list.ts";
import { toReport } from "../entities/report.ts";
import { mastodonError } from "../mastodon-error.ts";
import { nestedBoolean, nestedText, nestedTextList, readNestedParams } from "../nested-params.ts";
import { accountById, viewerOf } from "../request-accounts.ts";

const padId = (id: string) => (/^\d{1,19}$/.test(id) ? id.padStart(18, "0") : id);

/** POST /api/v1/reports: report an account (and some of its posts) to this instance, and maybe to its own. */
export function reportRoutes({ core, origin }: { core: CoreContext; origin(): string }): Hono<HonoApiEnv> {
  const routes = new Hono<HonoApiEnv>();
  routes.post("/", requireUser("write:reports"), async (c) => {
    const params = await readNestedParams(c);
    const accountId = nestedText(params, "account_id");
    if (!accountId) return mastodonError(c, 422, "Name the account to report as account_id.");
    const target = await accountById(core, accountId);
    if (!target) return mastodonError(c, 404, "Record not found");
    try {
      const report = await fileReport(core, viewerOf(c).id, {
        targetAccountId: target.id,
        statusIds: (nestedTextList(params, "status_ids") ?? []).map(padId),
        comment: nestedText(params, "comment"),
        forward: nestedBoolean(params, "forward") ?? false,
        category: nestedText(params, "category"),
        ruleIds: nestedTextList(params, "rule_ids"),
      });
      return c.json(toReport(report, await renderAccount(core, target, origin())));
    } catch (error) {
      if (error instanceof ReportedStatusNotFound) return mastodonError(c, 404, "Record not found");
      throw error;
    }
  });
  return routes;
}
