import type { CoreContext } from "../context.ts";
import type { MediaAttachmentRow, StatusRow } from "../rows.ts";
import { parseVersionMedia, type VersionMediaRecord } from "./status-edit-store.ts";

/**
 * A status's versions for /api/v1/statuses/:id/history: the earlier ones kept in status_edits, then the
 * current one, oldest first. A status never edited has one version.
 */

export interface StatusVersion {
  content: string;
  spoilerText: string;
  sensitive: boolean;
  createdAt: string;
  /** The media of that version in order, with the alt text and focus they had then. */
  media: VersionMediaRecord[];
  /** Option titles, or null when that version had no poll. */
  pollOptions: string[] | null;
}

export interface StatusHistory {
  versions: StatusVersion[];
  /** The media any version shows (detached uploads included), by id, as they are now: a version's own alt text and focus override these. */
  media: Map<string, MediaAttachmentRow>;
}

export async function loadStatusHistory(ctx: CoreContext, status: StatusRow): Promise<StatusHistory> {
  const [edits, currentMedia, poll] = await Promise.all([
    ctx.db.selectFrom("status_edits").selectAll().where("status_id", "=", status.id).orderBy("id").execute(),
    ctx.db.selectFrom("media_attachments").select(["id", "description", "focus_x", "focus_y"]).where("status_id", "=", status.id).orderBy("position").execute(),
    ctx.db.selectFrom("polls").select("options_json").where("status_id", "=", status.id).executeTakeFirst(),
  ]);
  const versions: StatusVersion[] = edits.map((edit) => ({
    content: edit.content,
    spoilerText: edit.spoiler_text,
    sensitive: edit.sensitive === 1,
    createdAt: edit.created_at,
    media: parseVersionMedia(edit.media_ids_json),
    pollOptions: edit.poll_options_json === null ? null : (JSON.parse(edit.poll_options_json) as string[]),
  }));
  versions.push({
    content: status.content,
    spoilerText: status.spoiler_text,
    sensitive: status.sensitive === 1,
    createdAt: status.edited_at ?? status.created_at,
    media: currentMedia.map((row) => ({ id: row.id, description: row.description, focusX: row.focus_x, focusY: row.focus_y })),
    pollOptions: poll ? (JSON.parse(poll.options_json) as string[]) : null,
  });
  const mediaIds = [...new Set(versions.flatMap((version) => version.media.map((medium) => medium.id)))];
  const media = mediaIds.length === 0 ? [] : await ctx.db.selectFrom("media_attachments").selectAll().where("id", "in", mediaIds).execute();
  return { versions, media: new Map(media.map((row) => [row.id, row])) };
}
