import { Hono } from "hono";
import type { CoreContext } from "../../core/context.ts";
import { Invalid } from "../../core/errors.ts";
import { fileReport } from "../../core/moderation/reports.ts";
import { requireUser } from "../auth.ts";
import type { HonoApiEnv } from "../hono-env.ts";
import { renderAccount } from "../entities/account-list.ts";
import { toReport } from "../entities/report.ts";
import { nestedBoolean, nestedText, nestedTextList, readNestedParams } from "../nested-params.ts";
import { accountParam, viewerOf } from "../request-accounts.ts";

const padId = (id: string) => (/^\d{1,19}$/.test(id) ? id.padStart(18, "0") : id);

/** POST /api/v1/reports: report an account (and some of its posts) to this instance, and maybe to its own. */
export function reportRoutes({ core, origin }: { core: CoreContext; origin(): string }): Hono<HonoApiEnv> {
  const routes = new Hono<HonoApiEnv>();
  routes.post("/", requireUser("write:reports"), async (c) => {
    const params = await readNestedParams(c);
    const accountId = nestedText(params, "account_id");
    if (!accountId) throw new Invalid("Name the account to report as account_id.");
    // fileReport refuses, as not found, an unknown account and statuses that are not the account's.
    const report = await fileReport(core, viewerOf(c).id, {
      targetAccountId: padId(accountId),
      statusIds: (nestedTextList(params, "status_ids") ?? []).map(padId),
      comment: nestedText(params, "comment"),
      forward: nestedBoolean(params, "forward") ?? false,
      category: nestedText(params, "category"),
      ruleIds: nestedTextList(params, "rule_ids"),
    });
    return c.json(toReport(report, await renderAccount(core, await accountParam(core, report.target_account_id), origin())));
  });
  return routes;
}
