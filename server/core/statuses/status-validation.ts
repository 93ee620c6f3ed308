import type { Kysely } from "kysely";
import type { DatabaseSchema, Visibility } from "../../db/schema.ts";
import { Invalid } from "../errors.ts";
import { LIMITS } from "../limits.ts";
import type { MediaAttachmentRow } from "../rows.ts";
import { countStatusCharacters } from "./status-text.ts";

/**
 * The checks a local status passes before anything is written, shared by posting, scheduling and editing,
 * each failing with a sentence the person can act on (the API answers it as 422).
 */

export const VISIBILITIES: readonly Visibility[] = ["public", "unlisted", "private", "direct"];

export function parseVisibility(value: string): Visibility {
  if ((VISIBILITIES as readonly string[]).includes(value)) return value as Visibility;
  throw new Invalid(`"${value}" is not a visibility; use public, unlisted, private or direct.`);
}

/** A poll as a local author asks for it. */
export interface PollInput {
  options: readonly string[];
  /** Seconds from now until the poll closes. */
  expiresIn: number;
  multiple?: boolean;
  hideTotals?: boolean;
}

export function validatePoll(poll: PollInput): void {
  const { maxOptions, maxCharactersPerOption, minExpiration, maxExpiration } = LIMITS.polls;
  if (poll.options.length < 2) throw new Invalid("A poll needs at least 2 options.");
  if (poll.options.length > maxOptions) throw new Invalid(`A poll can have at most ${maxOptions} options.`);
  for (const option of poll.options) {
    if (option.trim() === "") throw new Invalid("A poll option cannot be blank.");
    if ([...option].length > maxCharactersPerOption) {
      throw new Invalid(`The poll option "${option}" is too long: use at most ${maxCharactersPerOption} characters.`);
    }
  }
  if (new Set(poll.options.map((option) => option.trim())).size !== poll.options.length) throw new Invalid("A poll cannot have the same option twice.");
  if (!Number.isInteger(poll.expiresIn)) throw new Invalid("The poll's expires_in must be a whole number of seconds.");
  if (poll.expiresIn < minExpiration) throw new Invalid(`A poll must run for at least ${minExpiration / 60} minutes.`);
  if (poll.expiresIn > maxExpiration) throw new Invalid("A poll can run for at most a month.");
}

export interface ContentInput {
  text: string;
  spoilerText: string;
  mediaIds: readonly string[];
  poll: PollInput | null;
  language: string | null;
}

/** Text length (text and content warning together, links as 23); text unless there is media, as Mastodon asks; media or a poll; the language. */
export function validateContent(input: ContentInput): void {
  const { maxCharacters, maxMediaAttachments, charactersReservedPerUrl } = LIMITS.statuses;
  if (input.text.trim() === "" && input.mediaIds.length === 0) {
    throw new Invalid("The status is empty: write something, or attach media.");
  }
  const length = countStatusCharacters(input.text, charactersReservedPerUrl) + countStatusCharacters(input.spoilerText, charactersReservedPerUrl);
  if (length > maxCharacters) throw new Invalid(`The status is too long: ${length} characters where ${maxCharacters} are allowed.`);
  if (input.mediaIds.length > maxMediaAttachments) throw new Invalid(`A status can have at most ${maxMediaAttachments} media attachments.`);
  if (input.mediaIds.length > 0 && input.poll) throw new Invalid("A status cannot have both media attachments and a poll.");
  if (input.poll) validatePoll(input.poll);
  if (input.language !== null && !/^[a-z]{2,3}(-[a-z0-9]{2,8})*$/i.test(input.language)) {
    throw new Invalid(`"${input.language}" is not a language code; use an ISO 639 code such as en or de.`);
  }
}


/**
 * The uploads a status may take: the author's own, processed, and not attached to another status
 * (`statusId` names the status being edited, whose own media may stay). Returned in the order asked.
 */
export async function loadAttachableMedia(db: Kysely<DatabaseSchema>, accountId: string, mediaIds: readonly string[], statusId: string | null): Promise<MediaAttachmentRow[]> {
  if (mediaIds.length === 0) return [];
  if (new Set(mediaIds).size !== mediaIds.length) throw new Invalid("The same media attachment is given twice.");
  const rows = await db.selectFrom("media_attachments").selectAll().where("id", "in", mediaIds).where("account_id", "=", accountId).execute();
  const byId = new Map(rows.map((row) => [row.id, row]));
  return mediaIds.map((id) => {
    const row = byId.get(id);
    if (!row) throw new Invalid(`There is no media attachment ${id} of yours to attach.`);
    if (row.status_id !== null && row.status_id !== statusId) throw new Invalid(`Media attachment ${id} is already attached to another status.`);
    if (row.processing === "pending") throw new Invalid(`Media attachment ${id} is still being processed; try again in a moment.`);
    if (row.processing === "failed") throw new Invalid(`Media attachment ${id} could not be processed; upload it again.`);
    return row;
  });
}
