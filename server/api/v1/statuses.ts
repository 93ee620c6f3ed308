import { Hono } from "hono";
import type { CoreContext } from "../../core/context.ts";
import { Invalid, NotFound } from "../../core/errors.ts";
import { parseFocus } from "../../core/media/media.ts";
import { loadScheduledMedia, scheduleStatus } from "../../core/statuses/scheduled-statuses.ts";
import { loadStatusHistory } from "../../core/statuses/status-history.ts";
import { loadStatusBundle } from "../../core/statuses/status-bundle.ts";
import { parseVisibility, type PollInput } from "../../core/statuses/status-validation.ts";
import type { Visibility } from "../../db/schema.ts";
import { deleteStatus, editStatus, findVisibleStatus, findStatusesByIds, postStatus, type StatusDraft } from "../../core/statuses/statuses.ts";
import { ANONYMOUS_THREAD_LIMITS, SIGNED_IN_THREAD_LIMITS, loadThread } from "../../core/statuses/thread.ts";
import { requireUser, scopeIfToken } from "../auth.ts";
import { toAccount } from "../entities/account.ts";
import { toContext } from "../entities/context.ts";
import { toCustomEmoji } from "../entities/custom-emoji.ts";
import { previewCardFromJson } from "../entities/preview-card.ts";
import { toScheduledStatus } from "../entities/scheduled-status.ts";
import { toStatus, toStatuses } from "../entities/status.ts";
import { toStatusEdit } from "../entities/status-edit.ts";
import { toStatusSource } from "../entities/status-source.ts";
import type { HonoApiEnv } from "../hono-env.ts";
import { clearable, flag, hash, hashList, idList, idOf, later, normaliseId, pathId, presentText, readInput, text, textList, type Field, type Input } from "../input.ts";
import { optionalViewerOf, viewerOf } from "../request-accounts.ts";
import { visibleStatus } from "../visible-status.ts";
import type { MediaAttributeChange } from "../../core/statuses/status-edit-store.ts";
import { loadAccountStatsMany, noAccountStats } from "../../core/accounts/account-stats.ts";

export interface StatusRoutesDependencies {
  core: CoreContext;
  origin(): string;
}

/** Mastodon's limit on GET /api/v1/statuses?id[]=. */
const MULTIPLE_LIMIT = 20;

/** A status's poll: a hash of options and how long it runs; anything else is no poll. */
function poll(): Field<PollInput | null> {
  const read = hash({ options: textList(), expires_in: text(), multiple: flag(false), hide_totals: flag(false) });
  return (params, name) => {
    const poll = read(params, name);
    if (!poll) return null;
    const expiresIn = Number(poll.expires_in);
    if (poll.expires_in === undefined || !Number.isFinite(expiresIn)) throw new Invalid("A poll needs expires_in: how many seconds it runs.");
    return { options: poll.options ?? [], expiresIn: Math.trunc(expiresIn), multiple: poll.multiple, hideTotals: poll.hide_totals };
  };
}

/** A visibility by its Mastodon name; "" leaves it to the author's default. */
function visibility(): Field<Visibility | undefined> {
  const read = presentText();
  return (params, name) => {
    const value = read(params, name);
    return value === undefined ? undefined : parseVisibility(value);
  };
}

/** A status a post refers to (in_reply_to_id, quoted_status_id): null when absent; one that cannot be ours is not found. */
function statusReference(): Field<string | null> {
  const read = text();
  return (params, name) => {
    const value = read(params, name);
    if (!value) return null;
    const statusId = normaliseId(value);
    if (!statusId) throw new NotFound(`${name} ${value} cannot be the id of a status here.`);
    return statusId;
  };
}

/** GET /api/v1/statuses?id[]=: several statuses at once. */
const StatusIds = { id: textList() };

/** The composable parts of a status, as Mastodon's create and edit endpoints read them. */
const Draft = {
  status: text(),
  spoiler_text: text(),
  sensitive: flag(),
  // Absent: the author's default when posting, the status's own language when editing (as Mastodon keeps it).
  language: presentText(),
  media_ids: idList(),
  poll: poll(),
};

function draftOf(input: Input<typeof Draft>): StatusDraft {
  return {
    text: input.status ?? "",
    spoilerText: input.spoiler_text ?? "",
    sensitive: input.sensitive,
    language: input.language,
    mediaIds: input.media_ids ?? [],
    poll: input.poll,
  };
}

/** POST /api/v1/statuses. The parts are read in this order: a request with several faults is told of the first. */
const PostStatus = {
  in_reply_to_id: statusReference(),
  ...Draft,
  visibility: visibility(),
  quoted_status_id: statusReference(),
  // Mastodon's earlier name for it, read only when the newer one is absent.
  quote_id: later(statusReference()),
  scheduled_at: presentText(),
};

/**
 * PUT /api/v1/statuses/:id, with media_attributes[]: {id, description, focus} per medium. An absent part stays
 * as it is; an empty (or JSON null) one clears it. A custom thumbnail is not taken here (upload one through
 * /api/v1/media first).
 */
const EditStatus = {
  ...Draft,
  media_attributes: hashList({ id: text(), description: clearable(text()), focus: clearable(text()) }),
};

function mediaAttributesOf(input: Input<typeof EditStatus>): MediaAttributeChange[] {
  return (input.media_attributes ?? []).map((entry) => {
    if (!entry.id) throw new Invalid("Each media_attributes entry needs the id of the media it changes.");
    const change: MediaAttributeChange = { id: idOf(entry.id) };
    if (entry.description !== undefined) change.description = entry.description ?? "";
    if (entry.focus !== undefined) change.focus = entry.focus === null ? null : parseFocus(entry.focus);
    return change;
  });
}

/**
 * /api/v1/statuses: post (now or scheduled), read one or several, edit, delete (answering the source for a
 * redraft), and a status's context, history, source and card. Interactions are in statuses-interactions.ts,
 * mounted beside this at the same path (api/routes.ts).
 */
export function statusRoutes({ core, origin }: StatusRoutesDependencies): Hono<HonoApiEnv> {
  const routes = new Hono<HonoApiEnv>();

  routes.post("/", requireUser("write:statuses"), async (c) => {
    const viewer = viewerOf(c);
    const given = await readInput(c, PostStatus);
    const input = {
      ...draftOf(given),
      accountId: viewer.id,
      visibility: given.visibility,
      inReplyToId: given.in_reply_to_id,
      quoteId: given.quoted_status_id ?? given.quote_id(),
      applicationId: c.get("auth")?.token.application_id ?? null,
      idempotencyKey: c.req.header("idempotency-key") ?? null,
    };
    if (given.scheduled_at) {
      // postStatus refuses a reply to what the author cannot see (404, as Mastodon answers); scheduling
      // checks nothing of the kind, so it is checked here, now rather than when the time comes.
      if (input.inReplyToId) await visibleStatus(core, input.inReplyToId, viewer.id);
      const scheduled = await scheduleStatus(core, input, given.scheduled_at);
      return c.json(toScheduledStatus(scheduled, await loadScheduledMedia(core, [scheduled]), origin()));
    }
    const status = await postStatus(core, input, { origin: origin() });
    return c.json(await toStatus(core, status, viewer.id, origin()));
  });

  routes.get("/", scopeIfToken("read:statuses"), async (c) => {
    const viewer = optionalViewerOf(c);
    const asked = (await readInput(c, StatusIds)).id ?? [];
    // Ids that cannot be ours are left out, as unknown ones are.
    const ids = [...new Set(asked.map(normaliseId).filter((id): id is string => id !== undefined))];
    if (ids.length > MULTIPLE_LIMIT) throw new Invalid(`Ask for at most ${MULTIPLE_LIMIT} statuses at once.`);
    // In the order asked, as Mastodon answers; unknown and hidden ones are left out.
    const visible = await findStatusesByIds(core, ids, viewer?.id ?? null);
    return c.json(await toStatuses(core, visible, viewer?.id ?? null, origin()));
  });

  routes.get("/:id", scopeIfToken("read:statuses"), async (c) => {
    const viewerId = optionalViewerOf(c)?.id ?? null;
    const status = await visibleStatus(core, pathId(c), viewerId);
    return c.json(await toStatus(core, status, viewerId, origin()));
  });

  routes.put("/:id", requireUser("write:statuses"), async (c) => {
    const viewer = viewerOf(c);
    const input = await readInput(c, EditStatus);
    // Mastodon's edit replaces the whole status: what is not sent (media, poll) is gone afterwards. Only the
    // author's own status can be edited; any other is not found (editStatus says so).
    const edited = await editStatus(core, { ...draftOf(input), mediaAttributes: mediaAttributesOf(input), accountId: viewer.id, statusId: pathId(c) }, { origin: origin() });
    return c.json(await toStatus(core, edited, viewer.id, origin()));
  });

  routes.delete("/:id", requireUser("write:statuses"), async (c) => {
    const viewer = viewerOf(c);
    const statusId = pathId(c);
    // Rendered before it goes: the answer is what a client needs to redraft it (text, media, poll). Whether it
    // may go is deleteStatus's to say: only the author's own, any other is not found.
    const status = await findVisibleStatus(core, statusId, viewer.id);
    const entity = status && (await toStatus(core, status, viewer.id, origin(), { withSource: true }));
    await deleteStatus(core, viewer.id, statusId);
    return c.json(entity ?? {});
  });

  routes.get("/:id/context", scopeIfToken("read:statuses"), async (c) => {
    const viewerId = optionalViewerOf(c)?.id ?? null;
    const status = await visibleStatus(core, pathId(c), viewerId);
    const thread = await loadThread(core, status, viewerId, viewerId ? SIGNED_IN_THREAD_LIMITS : ANONYMOUS_THREAD_LIMITS);
    const [ancestors, descendants] = await Promise.all([
      toStatuses(core, thread.ancestors, viewerId, origin(), { filterContext: "thread" }),
      toStatuses(core, thread.descendants, viewerId, origin(), { filterContext: "thread" }),
    ]);
    return c.json(toContext(ancestors, descendants));
  });

  routes.get("/:id/history", scopeIfToken("read:statuses"), async (c) => {
    const viewerId = optionalViewerOf(c)?.id ?? null;
    const status = await visibleStatus(core, pathId(c), viewerId);
    const [history, bundle, stats] = await Promise.all([
      loadStatusHistory(core, status),
      loadStatusBundle(core, [status], viewerId),
      loadAccountStatsMany(core, [status.account_id]),
    ]);
    const author = bundle.accounts.get(status.account_id);
    if (!author) throw new NotFound(`The author of status ${status.id} is gone.`);
    const account = toAccount(author, stats.get(author.id) ?? noAccountStats(), origin(), bundle.accountEmojis.get(author.id) ?? []);
    const emojis = (bundle.emojis.get(status.id) ?? []).map((row) => toCustomEmoji(row, origin()));
    return c.json(history.versions.map((version) => toStatusEdit(version, account, history.media, emojis, origin())));
  });

  routes.get("/:id/source", requireUser("read:statuses"), async (c) => {
    const viewer = viewerOf(c);
    const status = await visibleStatus(core, pathId(c), viewer.id);
    if (status.account_id !== viewer.id) throw new NotFound(`Only its author can see the source of status ${status.id}.`);
    return c.json(toStatusSource(status));
  });

  // The preview card of the status; {} where it has none, as Mastodon answered while it had this endpoint.
  routes.get("/:id/card", scopeIfToken("read:statuses"), async (c) => {
    const viewerId = optionalViewerOf(c)?.id ?? null;
    const status = await visibleStatus(core, pathId(c), viewerId);
    const bundle = await loadStatusBundle(core, [status], viewerId);
    return c.json(previewCardFromJson(bundle.cards.get(status.id), origin()) ?? {});
  });

  return routes;
}
