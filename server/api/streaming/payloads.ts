import type { CoreContext } from "../../core/context.ts";
import { getConversation } from "../../core/timelines/conversations.ts";
import { getNotification } from "../../core/notifications/notifications.ts";
import { normaliseTagName } from "../../core/statuses/status-store.ts";
import { findVisibleStatus } from "../../core/statuses/statuses.ts";
import { renderAccountsByIds } from "../entities/account-list.ts";
import { toConversation } from "../entities/conversation.ts";
import { toNotification } from "../entities/notification.ts";
import { toStatus } from "../entities/status.ts";
import type { StreamPayloads } from "./hub.ts";

/**
 * The entities streams carry, rendered by the same entity layer as the REST API, for the viewer: their own
 * favourited/bookmarked flags, their filters' results. Each render first asks whether the viewer may see the
 * status at all.
 */
export function createStreamPayloads(core: CoreContext, origin: () => string): StreamPayloads {
  return {
    async status(statusId, viewer, context) {
      const row = await findVisibleStatus(core, statusId, viewer.id);
      if (!row) return undefined;
      const status = await toStatus(core, row, viewer.id, origin(), { filterContext: context });
      return {
        json: JSON.stringify(status),
        hasMedia: status.media_attachments.length > 0,
        tags: status.tags.map((tag) => normaliseTagName(tag.name)),
      };
    },

    async notification(notificationId, viewer) {
      const row = await getNotification(core, viewer.id, notificationId);
      if (!row) return undefined;
      const notification = await toNotification(core, row, viewer.id, origin());
      return notification ? JSON.stringify(notification) : undefined;
    },

    async conversation(accountConversationId, viewer) {
      const row = await getConversation(core, viewer.id, accountConversationId);
      if (!row) return undefined;
      const participantIds = JSON.parse(row.participant_account_ids_json) as string[];
      const participants = await renderAccountsByIds(core, participantIds, origin());
      const lastRow = row.last_status_id ? await findVisibleStatus(core, row.last_status_id, viewer.id) : undefined;
      const lastStatus = lastRow ? await toStatus(core, lastRow, viewer.id, origin()) : null;
      return JSON.stringify(toConversation(row, participants, lastStatus));
    },
  };
}
