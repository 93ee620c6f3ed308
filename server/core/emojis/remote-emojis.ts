import type { Kysely } from "kysely";
import type { DatabaseSchema } from "../../db/schema.ts";
import type { CoreContext } from "../context.ts";
import type { RemoteEmoji } from "../statuses/remote-status-record.ts";
import type { CustomEmojiRow } from "../rows.ts";


/**
 * Stores (or refreshes) custom emoji a remote object carried, under its author's domain, inside the caller's
 * transaction: a :shortcode: in that author's text is drawn with the image their server gave. Returns the
 * rows by shortcode.
 */
export async function upsertRemoteEmojis(
  ctx: CoreContext,
  trx: Kysely<DatabaseSchema>,
  domain: string,
  emojis: readonly RemoteEmoji[],
): Promise<Map<string, CustomEmojiRow>> {
  const rows = new Map<string, CustomEmojiRow>();
  const now = ctx.clock.now().toISOString();
  for (const emoji of emojis) {
    const existing = await trx
      .selectFrom("custom_emojis")
      .selectAll()
      .where("shortcode", "=", emoji.shortcode)
      .where("domain", "=", domain)
      .executeTakeFirst();
    const row = existing
      ? existing.image_url === emoji.imageUrl && existing.uri === emoji.uri
        ? existing
        : await trx
            .updateTable("custom_emojis")
            .set({ image_url: emoji.imageUrl, uri: emoji.uri, updated_at: now })
            .where("id", "=", existing.id)
            .returningAll()
            .executeTakeFirstOrThrow()
      : await trx
          .insertInto("custom_emojis")
          .values({
            id: ctx.ids.next(),
            shortcode: emoji.shortcode,
            domain,
            uri: emoji.uri,
            image_url: emoji.imageUrl,
            // Remote emoji are drawn where they are used, never offered in our own picker.
            visible_in_picker: 0,
            updated_at: now,
          })
          .returningAll()
          .executeTakeFirstOrThrow();
    rows.set(emoji.shortcode, row);
  }
  return rows;
}
