import { Hono } from "hono";
import type { CoreContext } from "../../core/context.ts";
import { NotFound } from "../../core/errors.ts";
import { listConversations, markConversationRead, removeConversation } from "../../core/timelines/conversations.ts";
import { findStatusesByIds } from "../../core/statuses/statuses.ts";
import { requireUser } from "../auth.ts";
import { clientUrl } from "../client-url.ts";
import { renderAccountsByIds } from "../entities/account-list.ts";
import { toConversation, type MastodonConversation } from "../entities/conversation.ts";
import { toStatuses } from "../entities/status.ts";
import type { HonoApiEnv } from "../hono-env.ts";
import { pathId, readInput } from "../input.ts";
import { paging, setLinkHeader } from "../pagination.ts";
import { viewerOf } from "../request-accounts.ts";
import type { AccountConversationRow } from "../../core/rows.ts";

const Page = { page: paging() };

export interface ConversationRoutesDependencies {
  core: CoreContext;
  origin(): string;
}

/** /api/v1/conversations: the viewer's direct conversations, marked read or removed from the list. */
export function conversationRoutes({ core, origin }: ConversationRoutesDependencies): Hono<HonoApiEnv> {
  const routes = new Hono<HonoApiEnv>();

  async function render(rows: readonly AccountConversationRow[], viewerId: string): Promise<MastodonConversation[]> {
    const participants = rows.map((row) => JSON.parse(row.participant_account_ids_json) as string[]);
    const accountIds = [...new Set(participants.flat())];
    const accounts = new Map((await renderAccountsByIds(core, accountIds, origin())).map((account) => [account.id, account]));
    const lastStatuses = await findStatusesByIds(core, rows.flatMap((row) => (row.last_status_id ? [row.last_status_id] : [])), viewerId);
    const statuses = new Map((await toStatuses(core, lastStatuses, viewerId, origin())).map((status) => [status.id, status]));
    return rows.map((row, index) =>
      toConversation(
        row,
        (participants[index] ?? []).flatMap((id) => accounts.get(id) ?? []),
        row.last_status_id ? (statuses.get(row.last_status_id) ?? null) : null,
      ),
    );
  }

  routes.get("/", requireUser("read:statuses"), async (c) => {
    const viewer = viewerOf(c);
    const { page } = await readInput(c, Page);
    const rows = await listConversations(core, viewer.id, page);
    setLinkHeader(c, rows.map((row) => row.last_status_id ?? row.id), clientUrl(c, origin()), page.limit);
    return c.json(await render(rows, viewer.id));
  });

  routes.post("/:id/read", requireUser("write:conversations"), async (c) => {
    const viewer = viewerOf(c);
    const row = await markConversationRead(core, viewer.id, pathId(c));
    if (!row) throw new NotFound(`There is no conversation ${c.req.param("id")} of yours.`);
    const [entity] = await render([row], viewer.id);
    return c.json(entity);
  });

  routes.delete("/:id", requireUser("write:conversations"), async (c) => {
    const viewer = viewerOf(c);
    if (!(await removeConversation(core, viewer.id, pathId(c)))) throw new NotFound(`There is no conversation ${c.req.param("id")} of yours.`);
    return c.json({});
  });

  return routes;
}
