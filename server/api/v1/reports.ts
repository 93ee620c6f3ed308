import { Hono } from "hono";
import type { CoreContext } from "../../core/context.ts";
import { Invalid } from "../../core/errors.ts";
import { fileReport } from "../../core/moderation/reports.ts";
import { requireUser } from "../auth.ts";
import type { HonoApiEnv } from "../hono-env.ts";
import { renderAccount } from "../entities/account-list.ts";
import { toReport } from "../entities/report.ts";
import { flag, id, idList, readInput, text, textList } from "../input.ts";
import { accountParam, viewerOf } from "../request-accounts.ts";

const Report = {
  account_id: id(),
  status_ids: idList(),
  comment: text(),
  forward: flag(false),
  category: text(),
  rule_ids: textList(),
};

/** POST /api/v1/reports: report an account (and some of its posts) to this instance, and maybe to its own. */
export function reportRoutes({ core, origin }: { core: CoreContext; origin(): string }): Hono<HonoApiEnv> {
  const routes = new Hono<HonoApiEnv>();
  routes.post("/", requireUser("write:reports"), async (c) => {
    const input = await readInput(c, Report);
    if (!input.account_id) throw new Invalid("Name the account to report as account_id.");
    // fileReport refuses, as not found, an unknown account and statuses that are not the account's.
    const report = await fileReport(core, viewerOf(c).id, {
      targetAccountId: input.account_id,
      statusIds: input.status_ids ?? [],
      comment: input.comment,
      forward: input.forward,
      category: input.category,
      ruleIds: input.rule_ids,
    });
    return c.json(toReport(report, await renderAccount(core, await accountParam(core, report.target_account_id), origin())));
  });
  return routes;
}
