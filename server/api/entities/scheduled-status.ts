import { parseScheduledParams, type ScheduledStatusParams } from "../../core/statuses/scheduled-statuses.ts";
import { toMediaAttachment, type MastodonMediaAttachment } from "./media-attachment.ts";
import type { MediaAttachmentRow, ScheduledStatusRow } from "../../core/rows.ts";

/** Mastodon's ScheduledStatus entity. */
export interface MastodonScheduledStatus {
  id: string;
  scheduled_at: string;
  params: ScheduledStatusParams;
  media_attachments: MastodonMediaAttachment[];
}

export function toScheduledStatus(row: ScheduledStatusRow, media: ReadonlyMap<string, MediaAttachmentRow>, origin: string): MastodonScheduledStatus {
  const params = parseScheduledParams(row);
  return {
    id: row.id,
    scheduled_at: row.scheduled_at,
    params,
    media_attachments: (params.media_ids ?? []).flatMap((id) => {
      const media_ = media.get(id);
      return media_ ? [toMediaAttachment(media_, origin)] : [];
    }),
  };
}
