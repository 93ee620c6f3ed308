import type { StatusVersion } from "../../core/statuses/status-history.ts";
import type { MastodonAccount } from "./account.ts";
import type { MastodonCustomEmoji } from "./custom-emoji.ts";
import { toMediaAttachment, type MastodonMediaAttachment } from "./media-attachment.ts";
import type { MediaAttachmentRow } from "../../core/rows.ts";

/** Mastodon's StatusEdit: one version of a status. */
export interface MastodonStatusEdit {
  content: string;
  spoiler_text: string;
  sensitive: boolean;
  created_at: string;
  account: MastodonAccount;
  poll: { options: Array<{ title: string }> } | null;
  media_attachments: MastodonMediaAttachment[];
  emojis: MastodonCustomEmoji[];
}

export function toStatusEdit(
  version: StatusVersion,
  account: MastodonAccount,
  media: ReadonlyMap<string, MediaAttachmentRow>,
  emojis: MastodonCustomEmoji[],
  origin: string,
): MastodonStatusEdit {
  return {
    content: version.content,
    spoiler_text: version.spoilerText,
    sensitive: version.sensitive,
    created_at: version.createdAt,
    account,
    poll: version.pollOptions ? { options: version.pollOptions.map((title) => ({ title })) } : null,
    // Each version shows its media with the alt text and focus they had then, as Mastodon's history does.
    media_attachments: version.media.flatMap((medium) => {
      const row = media.get(medium.id);
      if (!row) return [];
      // Versions stored before alt text was kept with them have none recorded: they show the row as it is.
      const then = medium.description === undefined ? row : { ...row, description: medium.description, focus_x: medium.focusX ?? null, focus_y: medium.focusY ?? null };
      return [toMediaAttachment(then, origin)];
    }),
    emojis,
  };
}
