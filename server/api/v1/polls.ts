import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import type { CoreContext } from "../../core/context.ts";
import { getPoll, voteOnPoll } from "../../core/statuses/polls.ts";
import { findVisibleStatus } from "../../core/statuses/statuses.ts";
import { loadStatusBundle } from "../../core/statuses/status-bundle.ts";
import { requireUser } from "../auth.ts";
import { toPoll, type MastodonPoll } from "../entities/poll.ts";
import type { HonoApiEnv } from "../hono-env.ts";
import { nestedTextList, readNestedParams } from "../nested-params.ts";
import { optionalViewerOf, viewerOf } from "../request-accounts.ts";
import { normaliseId, scopeIfToken } from "../status-requests.ts";
import type { StatusRow } from "../../core/rows.ts";

export interface PollRoutesDependencies {
  core: CoreContext;
  origin(): string;
}

/** GET /api/v1/polls/:id and POST /api/v1/polls/:id/votes. */
export function pollRoutes({ core, origin }: PollRoutesDependencies): Hono<HonoApiEnv> {
  const routes = new Hono<HonoApiEnv>();

  /** The poll's status, if the viewer may see it; 404 otherwise. */
  async function pollStatus(pollId: string | undefined, viewerId: string | null): Promise<StatusRow> {
    const id = normaliseId(pollId);
    const poll = id ? await getPoll(core, id) : undefined;
    const status = poll ? await findVisibleStatus(core, poll.status_id, viewerId) : undefined;
    if (!status) throw new HTTPException(404, { message: "Record not found" });
    return status;
  }

  async function render(status: StatusRow, viewerId: string | null): Promise<MastodonPoll> {
    const bundle = await loadStatusBundle(core, [status], viewerId);
    const poll = bundle.polls.get(status.id);
    if (!poll) throw new HTTPException(404, { message: "Record not found" });
    return toPoll(poll, { emojis: bundle.emojis.get(status.id) ?? [], viewerId, authorId: status.account_id, now: bundle.now, origin: origin() });
  }

  routes.get("/:id", scopeIfToken("read:statuses"), async (c) => {
    const viewerId = optionalViewerOf(c)?.id ?? null;
    return c.json(await render(await pollStatus(c.req.param("id"), viewerId), viewerId));
  });

  routes.post("/:id/votes", requireUser("write:statuses"), async (c) => {
    const viewer = viewerOf(c);
    const status = await pollStatus(c.req.param("id"), viewer.id);
    const choices = (nestedTextList(await readNestedParams(c), "choices") ?? []).map((choice) => (/^\d+$/.test(choice) ? Number(choice) : Number.NaN));
    if (choices.some((choice) => Number.isNaN(choice))) throw new HTTPException(422, { message: "choices must be option numbers, counted from 0." });
    await voteOnPoll(core, viewer.id, normaliseId(c.req.param("id")) ?? "", choices, { origin: origin() });
    return c.json(await render(status, viewer.id));
  });

  return routes;
}
