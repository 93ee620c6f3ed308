import { Hono } from "hono";
import type { Context } from "hono";
import type { CoreContext } from "../../core/context.ts";
import { changeReport, getAdminReport, listAdminReports, type ReportChange } from "../../core/moderation/admin-reports.ts";
import { requireUser } from "../auth.ts";
import type { AdminRouteScopes } from "./accounts.ts";
import { clientUrl } from "../client-url.ts";
import type { HonoApiEnv } from "../hono-env.ts";
import { flag, id, pathId, presentText, readInput, textList } from "../input.ts";
import { paging, setLinkHeader } from "../pagination.ts";
import { viewerOf } from "../request-accounts.ts";
import { renderAdminReports } from "./admin-entities.ts";

export interface AdminReportRoutesDependencies {
  core: CoreContext;
  origin(): string;
}

const ReportFilter = {
  page: paging({ default: 100, max: 200 }),
  resolved: flag(),
  account_id: id(),
  target_account_id: id(),
};

const REPORT_SCOPES: AdminRouteScopes = { read: ["admin:read:reports"], write: ["admin:write:reports"] };

const ReportUpdate = { category: presentText(), rule_ids: textList() };

/**
 * Mastodon's admin API for reports under /api/v1/admin/reports: the queue (members' reports and peers'
 * Flags alike), one report, PUT (category, rule_ids), resolve, reopen, assign_to_self, unassign. routes.ts
 * guards it with manageReports. Acting on the reported account is POST /api/v1/admin/accounts/:id/action
 * with report_id, which resolves the report with it.
 */
export function adminReportRoutes({ core, origin }: AdminReportRoutesDependencies, scopes: AdminRouteScopes = REPORT_SCOPES): Hono<HonoApiEnv> {
  const routes = new Hono<HonoApiEnv>();

  const answerReport = async (c: Context<HonoApiEnv>, reportId: string) => {
    const [entity] = await renderAdminReports(core, [await getAdminReport(core, reportId)], viewerOf(c).id, origin());
    c.header("Cache-Control", "no-store");
    return c.json(entity);
  };

  routes.get("/", requireUser(...scopes.read), async (c) => {
    const input = await readInput(c, ReportFilter);
    const reports = await listAdminReports(core, { resolved: input.resolved, accountId: input.account_id, targetAccountId: input.target_account_id }, input.page);
    setLinkHeader(c, reports.map((report) => report.id), clientUrl(c, origin()), input.page.limit);
    c.header("Cache-Control", "no-store");
    return c.json(await renderAdminReports(core, reports, viewerOf(c).id, origin()));
  });

  routes.get("/:id", requireUser(...scopes.read), (c) => answerReport(c, pathId(c)));

  routes.put("/:id", requireUser(...scopes.write), async (c) => {
    const input = await readInput(c, ReportUpdate);
    const report = await changeReport(core, viewerOf(c).id, pathId(c), { kind: "update", category: input.category, ruleIds: input.rule_ids });
    return answerReport(c, report.id);
  });

  for (const kind of ["resolve", "reopen", "assign_to_self", "unassign"] as const satisfies ReadonlyArray<ReportChange["kind"]>) {
    routes.post(`/:id/${kind}`, requireUser(...scopes.write), async (c) => {
      const report = await changeReport(core, viewerOf(c).id, pathId(c), { kind });
      return answerReport(c, report.id);
    });
  }

  return routes;
}
