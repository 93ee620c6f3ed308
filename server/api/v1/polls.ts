import { Hono } from "hono";
import type { CoreContext } from "../../core/context.ts";
import { Invalid, NotFound } from "../../core/errors.ts";
import { getPoll, voteOnPoll } from "../../core/statuses/polls.ts";
import { findVisibleStatus } from "../../core/statuses/statuses.ts";
import { loadStatusBundle } from "../../core/statuses/status-bundle.ts";
import { requireUser, scopeIfToken } from "../auth.ts";
import { toPoll, type MastodonPoll } from "../entities/poll.ts";
import type { HonoApiEnv } from "../hono-env.ts";
import { pathId, readInput, textList, type Field } from "../input.ts";
import { optionalViewerOf, viewerOf } from "../request-accounts.ts";
import { visibleStatus } from "../visible-status.ts";
import type { StatusRow } from "../../core/rows.ts";

export interface PollRoutesDependencies {
  core: CoreContext;
  origin(): string;
}

/** choices[]: option numbers, counted from 0. */
function choices(): Field<number[]> {
  const read = textList();
  return (params, name) => {
    const chosen = (read(params, name) ?? []).map((choice) => (/^\d+$/.test(choice) ? Number(choice) : Number.NaN));
    if (chosen.some((choice) => Number.isNaN(choice))) throw new Invalid("choices must be option numbers, counted from 0.");
    return chosen;
  };
}

const Vote = { choices: choices() };

/** GET /api/v1/polls/:id and POST /api/v1/polls/:id/votes. */
export function pollRoutes({ core, origin }: PollRoutesDependencies): Hono<HonoApiEnv> {
  const routes = new Hono<HonoApiEnv>();

  /** The poll's status, if the viewer may see it; NotFound otherwise. */
  async function pollStatus(pollId: string, viewerId: string | null): Promise<StatusRow> {
    const poll = await getPoll(core, pollId);
    const status = poll ? await findVisibleStatus(core, poll.status_id, viewerId) : undefined;
    if (!status) throw new NotFound(`There is no poll ${pollId}.`);
    return status;
  }

  async function render(status: StatusRow, viewerId: string | null): Promise<MastodonPoll> {
    const bundle = await loadStatusBundle(core, [status], viewerId);
    const poll = bundle.polls.get(status.id);
    if (!poll) throw new NotFound(`Status ${status.id} has no poll.`);
    return toPoll(poll, { emojis: bundle.emojis.get(status.id) ?? [], viewerId, authorId: status.account_id, now: bundle.now, origin: origin() });
  }

  routes.get("/:id", scopeIfToken("read:statuses"), async (c) => {
    const viewerId = optionalViewerOf(c)?.id ?? null;
    return c.json(await render(await pollStatus(pathId(c), viewerId), viewerId));
  });

  routes.post("/:id/votes", requireUser("write:statuses"), async (c) => {
    const viewer = viewerOf(c);
    const input = await readInput(c, Vote);
    // voteOnPoll refuses, as not found, a poll the viewer may not see.
    const poll = await voteOnPoll(core, viewer.id, pathId(c), input.choices, { origin: origin() });
    return c.json(await render(await visibleStatus(core, poll.status_id, viewer.id), viewer.id));
  });

  return routes;
}
