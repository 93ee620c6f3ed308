import { Hono } from "hono";
import type { CoreContext } from "../../core/context.ts";
import { Invalid, NotFound } from "../../core/errors.ts";
import { parseFocus } from "../../core/media/media.ts";
import { loadScheduledMedia, scheduleStatus } from "../../core/statuses/scheduled-statuses.ts";
import { loadStatusHistory } from "../../core/statuses/status-history.ts";
import { loadStatusBundle } from "../../core/statuses/status-bundle.ts";
import { parseVisibility, type PollInput } from "../../core/statuses/status-validation.ts";
import { deleteStatus, editStatus, findVisibleStatus, findStatusesByIds, postStatus, type StatusDraft } from "../../core/statuses/statuses.ts";
import { ANONYMOUS_THREAD_LIMITS, SIGNED_IN_THREAD_LIMITS, loadThread } from "../../core/statuses/thread.ts";
import { requireUser } from "../auth.ts";
import { toAccount } from "../entities/account.ts";
import { toContext } from "../entities/context.ts";
import { toCustomEmoji } from "../entities/custom-emoji.ts";
import { previewCardFromJson } from "../entities/preview-card.ts";
import { toScheduledStatus } from "../entities/scheduled-status.ts";
import { toStatus, toStatuses } from "../entities/status.ts";
import { toStatusEdit } from "../entities/status-edit.ts";
import { toStatusSource } from "../entities/status-source.ts";
import type { HonoApiEnv } from "../hono-env.ts";
import { nestedBoolean, nestedHash, nestedHashList, nestedText, nestedTextList, readNestedParams, type NestedParams } from "../nested-params.ts";
import { optionalViewerOf, viewerOf } from "../request-accounts.ts";
import { idOf, normaliseId, scopeIfToken, visibleStatus, visibleStatusParam } from "../status-requests.ts";
import { statusInteractionRoutes } from "./statuses-interactions.ts";
import type { MediaAttributeChange } from "../../core/statuses/status-edit-store.ts";
import { loadAccountStatsMany, noAccountStats } from "../../core/accounts/account-stats.ts";

export interface StatusRoutesDependencies {
  core: CoreContext;
  origin(): string;
}

/** Mastodon's limit on GET /api/v1/statuses?id[]=. */
const MULTIPLE_LIMIT = 20;

function pollParam(params: NestedParams): PollInput | null | undefined {
  const poll = nestedHash(params, "poll");
  if (!poll) return params.poll === undefined || params.poll === null || params.poll === "" ? undefined : null;
  const options = nestedTextList(poll, "options") ?? [];
  const rawExpiresIn = nestedText(poll, "expires_in");
  const expiresIn = Number(rawExpiresIn);
  if (rawExpiresIn === undefined || !Number.isFinite(expiresIn)) throw new Invalid("A poll needs expires_in: how many seconds it runs.");
  return { options, expiresIn: Math.trunc(expiresIn), multiple: nestedBoolean(poll, "multiple") ?? false, hideTotals: nestedBoolean(poll, "hide_totals") ?? false };
}

/** The composable parts of a status as Mastodon's create and edit endpoints read them. */
function draftOf(params: NestedParams): StatusDraft {
  return {
    text: nestedText(params, "status") ?? "",
    spoilerText: nestedText(params, "spoiler_text") ?? "",
    sensitive: nestedBoolean(params, "sensitive"),
    // Absent: the author's default when posting, the status's own language when editing (as Mastodon keeps it).
    language: nestedText(params, "language") || undefined,
    mediaIds: (nestedTextList(params, "media_ids") ?? []).map((id) => normaliseId(id) ?? id),
    poll: pollParam(params) ?? null,
  };
}

/**
 * media_attributes[] of an edit: {id, description, focus} per medium. An absent part stays as it is; an empty
 * (or JSON null) one clears it. A custom thumbnail is not taken here (upload one through /api/v1/media first).
 */
function mediaAttributesOf(params: NestedParams): MediaAttributeChange[] {
  return (nestedHashList(params, "media_attributes") ?? []).map((entry) => {
    const rawId = nestedText(entry, "id");
    if (rawId === undefined || rawId === "") throw new Invalid("Each media_attributes entry needs the id of the media it changes.");
    const change: MediaAttributeChange = { id: normaliseId(rawId) ?? rawId };
    if ("description" in entry) change.description = nestedText(entry, "description") ?? "";
    if ("focus" in entry) {
      const focus = nestedText(entry, "focus");
      change.focus = focus === undefined || focus === "" ? null : parseFocus(focus);
    }
    return change;
  });
}

function optionalId(params: NestedParams, name: string): string | null {
  const value = nestedText(params, name);
  if (value === undefined || value === "") return null;
  const id = normaliseId(value);
  if (!id) throw new NotFound(`${name} ${value} cannot be the id of a status here.`);
  return id;
}

/**
 * /api/v1/statuses: post (now or scheduled), read one or several, edit, delete (answering the source for a
 * redraft), and a status's context, history, source and card. Interactions are in statuses-interactions.ts.
 */
export function statusRoutes({ core, origin }: StatusRoutesDependencies): Hono<HonoApiEnv> {
  const routes = new Hono<HonoApiEnv>();

  routes.post("/", requireUser("write:statuses"), async (c) => {
    const viewer = viewerOf(c);
    const params = await readNestedParams(c);
    const visibilityText = nestedText(params, "visibility");
    const inReplyToId = optionalId(params, "in_reply_to_id");
    const input = {
      ...draftOf(params),
      accountId: viewer.id,
      visibility: visibilityText ? parseVisibility(visibilityText) : undefined,
      inReplyToId,
      quoteId: optionalId(params, "quoted_status_id") ?? optionalId(params, "quote_id"),
      applicationId: c.get("auth")?.token.application_id ?? null,
      idempotencyKey: c.req.header("idempotency-key") ?? null,
    };
    const scheduledAt = nestedText(params, "scheduled_at");
    if (scheduledAt) {
      // postStatus refuses a reply to what the author cannot see (404, as Mastodon answers); scheduling
      // checks nothing of the kind, so it is checked here, now rather than when the time comes.
      if (inReplyToId) await visibleStatus(core, inReplyToId, viewer.id);
      const scheduled = await scheduleStatus(core, input, scheduledAt);
      return c.json(toScheduledStatus(scheduled, await loadScheduledMedia(core, [scheduled]), origin()));
    }
    const status = await postStatus(core, input, { origin: origin() });
    return c.json(await toStatus(core, status, viewer.id, origin()));
  });

  routes.get("/", scopeIfToken("read:statuses"), async (c) => {
    const viewer = optionalViewerOf(c);
    const ids = [...new Set((nestedTextList(await readNestedParams(c), "id") ?? []).map(normaliseId).filter((id): id is string => id !== undefined))];
    if (ids.length > MULTIPLE_LIMIT) throw new Invalid(`Ask for at most ${MULTIPLE_LIMIT} statuses at once.`);
    // In the order asked, as Mastodon answers; unknown and hidden ones are left out.
    const visible = await findStatusesByIds(core, ids, viewer?.id ?? null);
    return c.json(await toStatuses(core, visible, viewer?.id ?? null, origin()));
  });

  routes.get("/:id", scopeIfToken("read:statuses"), async (c) => {
    const viewerId = optionalViewerOf(c)?.id ?? null;
    const status = await visibleStatusParam(core, c, viewerId);
    return c.json(await toStatus(core, status, viewerId, origin()));
  });

  routes.put("/:id", requireUser("write:statuses"), async (c) => {
    const viewer = viewerOf(c);
    const params = await readNestedParams(c);
    // Mastodon's edit replaces the whole status: what is not sent (media, poll) is gone afterwards. Only the
    // author's own status can be edited; any other is not found (editStatus says so).
    const statusId = idOf(c.req.param("id"));
    const edited = await editStatus(core, { ...draftOf(params), mediaAttributes: mediaAttributesOf(params), accountId: viewer.id, statusId }, { origin: origin() });
    return c.json(await toStatus(core, edited, viewer.id, origin()));
  });

  routes.delete("/:id", requireUser("write:statuses"), async (c) => {
    const viewer = viewerOf(c);
    const statusId = idOf(c.req.param("id"));
    // Rendered before it goes: the answer is what a client needs to redraft it (text, media, poll). Whether it
    // may go is deleteStatus's to say: only the author's own, any other is not found.
    const status = await findVisibleStatus(core, statusId, viewer.id);
    const entity = status && (await toStatus(core, status, viewer.id, origin(), { withSource: true }));
    await deleteStatus(core, viewer.id, statusId);
    return c.json(entity ?? {});
  });

  routes.get("/:id/context", scopeIfToken("read:statuses"), async (c) => {
    const viewerId = optionalViewerOf(c)?.id ?? null;
    const status = await visibleStatusParam(core, c, viewerId);
    const thread = await loadThread(core, status, viewerId, viewerId ? SIGNED_IN_THREAD_LIMITS : ANONYMOUS_THREAD_LIMITS);
    const [ancestors, descendants] = await Promise.all([
      toStatuses(core, thread.ancestors, viewerId, origin(), { filterContext: "thread" }),
      toStatuses(core, thread.descendants, viewerId, origin(), { filterContext: "thread" }),
    ]);
    return c.json(toContext(ancestors, descendants));
  });

  routes.get("/:id/history", scopeIfToken("read:statuses"), async (c) => {
    const viewerId = optionalViewerOf(c)?.id ?? null;
    const status = await visibleStatusParam(core, c, viewerId);
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
    const status = await visibleStatusParam(core, c, viewer.id);
    if (status.account_id !== viewer.id) throw new NotFound(`Only its author can see the source of status ${status.id}.`);
    return c.json(toStatusSource(status));
  });

  // The preview card of the status; {} where it has none, as Mastodon answered while it had this endpoint.
  routes.get("/:id/card", scopeIfToken("read:statuses"), async (c) => {
    const viewerId = optionalViewerOf(c)?.id ?? null;
    const status = await visibleStatusParam(core, c, viewerId);
    const bundle = await loadStatusBundle(core, [status], viewerId);
    return c.json(previewCardFromJson(bundle.cards.get(status.id), origin()) ?? {});
  });

  routes.route("/", statusInteractionRoutes({ core, origin }));
  return routes;
}
