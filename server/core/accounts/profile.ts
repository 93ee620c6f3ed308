import { Invalid, NotFound } from "../errors.ts";
import type { Visibility } from "../../db/schema.ts";
import type { CoreContext } from "../context.ts";
import { acceptFollowRequest } from "../relationships/follows.ts";
import { formatStatusText, renderStatusText } from "../statuses/status-text.ts";
import type { AccountRow, LocalUserRow } from "../rows.ts";
import { write } from "../write.ts";

/**
 * A local account edits its profile (Mastodon's update_credentials): the changes are checked, written in
 * one transaction, and peers hear of them through an Update(Person).
 */

// Mastodon's limits, which clients mirror in their edit forms.
export const PROFILE_LIMITS = { displayName: 30, note: 500, fields: 4, fieldName: 255, fieldValue: 255 } as const;
const DEFAULT_PRIVACIES: readonly Visibility[] = ["public", "unlisted", "private"];
const LANGUAGE = /^[a-z]{2,3}$/;

export interface ProfileField {
  name: string;
  value: string;
}

/** A profile field as stored: name as typed, value as HTML and as typed (for the edit form). */
export interface StoredProfileField {
  name: string;
  value: string;
  verified_at: string | null;
  value_source: string;
}

/** What update_credentials may change; absent members stay as they are. */
export interface ProfileChanges {
  displayName?: string;
  /** The bio as typed; stored as typed and as HTML. */
  note?: string;
  locked?: boolean;
  bot?: boolean;
  discoverable?: boolean;
  indexable?: boolean;
  /** Replaces every field. Rows with neither name nor value are dropped, as Mastodon does. */
  fields?: readonly ProfileField[];
  /** A picture already stored by the media layer (its relative path), or null to go back to none. */
  avatarFile?: string | null;
  headerFile?: string | null;
  defaultVisibility?: string;
  defaultSensitive?: boolean;
  /** ISO 639-1, or null for none. */
  defaultLanguage?: string | null;
}

export interface ProfileUpdate {
  account: AccountRow;
  user: LocalUserRow;
  /** Pictures the account no longer uses, for the media layer to remove. */
  replacedFiles: string[];
}

const length = (text: string) => [...text].length;

function checkLength(what: string, text: string, maximum: number): string {
  if (length(text) > maximum) throw new Invalid(`The ${what} is too long: at most ${maximum} characters, not ${length(text)}.`);
  return text;
}

function checkChanges(changes: ProfileChanges): void {
  if (changes.displayName !== undefined) checkLength("display name", changes.displayName, PROFILE_LIMITS.displayName);
  if (changes.note !== undefined) checkLength("bio", changes.note, PROFILE_LIMITS.note);
  if (changes.fields !== undefined) {
    const kept = changes.fields.filter((field) => field.name.trim() !== "" || field.value.trim() !== "");
    if (kept.length > PROFILE_LIMITS.fields) throw new Invalid(`A profile has at most ${PROFILE_LIMITS.fields} fields, not ${kept.length}.`);
    for (const field of kept) {
      checkLength("field name", field.name, PROFILE_LIMITS.fieldName);
      checkLength("field value", field.value, PROFILE_LIMITS.fieldValue);
    }
  }
  if (changes.defaultVisibility !== undefined && !DEFAULT_PRIVACIES.includes(changes.defaultVisibility as Visibility)) {
    throw new Invalid(`The default post visibility must be one of ${DEFAULT_PRIVACIES.join(", ")}, not "${changes.defaultVisibility}".`);
  }
  if (changes.defaultLanguage !== undefined && changes.defaultLanguage !== null && !LANGUAGE.test(changes.defaultLanguage)) {
    throw new Invalid(`"${changes.defaultLanguage}" is not a language code; use an ISO 639-1 code such as "en".`);
  }
}

const flag = (value: boolean | undefined) => (value === undefined ? undefined : value ? 1 : 0);

/**
 * A field value as Mastodon shows it: one line with its links and hashtags, no paragraph around it. Names are
 * plain text in Mastodon's API and are only trimmed.
 */
function fieldValueHtml(value: string, origin: string): string {
  const html = renderStatusText(value.replace(/\s+/g, " "), { origin, mentions: new Map() });
  return html.replace(/^<p>/, "").replace(/<\/p>$/, "");
}

function storedFields(fields: readonly ProfileField[], origin: string): StoredProfileField[] {
  return fields
    .filter((field) => field.name.trim() !== "" || field.value.trim() !== "")
    .map((field) => ({ name: field.name.trim(), value: fieldValueHtml(field.value, origin), verified_at: null, value_source: field.value.trim() }));
}

export async function updateProfile(ctx: CoreContext, accountId: string, input: ProfileChanges, options: { origin: string }): Promise<ProfileUpdate> {
  // Forms send line breaks as CRLF (multipart always does); the bio keeps them as typed, in one form.
  const changes = input.note === undefined ? input : { ...input, note: input.note.replace(/\r\n?/g, "\n") };
  checkChanges(changes);
  // The bio is formatted as a post is: paragraphs, links, hashtags and mentions of accounts found.
  const noteHtml = changes.note === undefined ? undefined : (await formatStatusText(ctx, changes.note, { origin: options.origin })).html;
  const fieldsJson = changes.fields === undefined ? undefined : JSON.stringify(storedFields(changes.fields, options.origin));
  const now = ctx.clock.now().toISOString();

  const result = await write(ctx, async (trx, after) => {
    const before = await trx.selectFrom("accounts").selectAll().where("id", "=", accountId).where("domain", "is", null).executeTakeFirst();
    if (!before) throw new NotFound(`There is no local account with id ${accountId}.`);
    const accountColumns = {
      display_name: changes.displayName === undefined ? undefined : oneLine(changes.displayName),
      note: noteHtml,
      note_source: changes.note,
      is_locked: flag(changes.locked),
      is_bot: flag(changes.bot),
      is_discoverable: flag(changes.discoverable),
      is_indexable: flag(changes.indexable),
      fields_json: fieldsJson,
      avatar_file: changes.avatarFile,
      header_file: changes.headerFile,
    };
    const account = await trx
      .updateTable("accounts")
      .set({ ...withoutUndefined(accountColumns), updated_at: now })
      .where("id", "=", accountId)
      .returningAll()
      .executeTakeFirstOrThrow();
    const userColumns = withoutUndefined({
      default_visibility: changes.defaultVisibility,
      default_sensitive: flag(changes.defaultSensitive),
      default_language: changes.defaultLanguage,
    });
    const userQuery = trx.selectFrom("local_users").selectAll().where("account_id", "=", accountId);
    const user =
      Object.keys(userColumns).length === 0
        ? await userQuery.executeTakeFirstOrThrow()
        : await trx.updateTable("local_users").set(userColumns).where("account_id", "=", accountId).returningAll().executeTakeFirstOrThrow();
    const replacedFiles = [
      changes.avatarFile !== undefined && before.avatar_file !== changes.avatarFile ? before.avatar_file : null,
      changes.headerFile !== undefined && before.header_file !== changes.headerFile ? before.header_file : null,
    ].filter((file): file is string => file !== null);
    const pendingRequesterIds =
      before.is_locked === 1 && account.is_locked === 0
        ? (await trx.selectFrom("follows").select("account_id").where("target_account_id", "=", accountId).where("state", "=", "pending").execute()).map(
            (row) => row.account_id,
          )
        : [];
    after.publish({ type: "account.updated", accountId });
    return { account, user, replacedFiles, pendingRequesterIds };
  });

  // An account that stops approving followers by hand lets in everyone who was waiting, as Mastodon does.
  for (const requesterId of result.pendingRequesterIds) await acceptFollowRequest(ctx, accountId, requesterId);
  return { account: result.account, user: result.user, replacedFiles: result.replacedFiles };
}

/** Display names are one line: line breaks and tabs become spaces. */
function oneLine(name: string): string {
  return name.replace(/[\r\n\t]+/g, " ").trim();
}

/** The members that were given: kysely's set() would write an explicit undefined as NULL. */
function withoutUndefined<T extends Record<string, unknown>>(record: T): Partial<{ [K in keyof T]: Exclude<T[K], undefined> }> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined)) as Partial<{ [K in keyof T]: Exclude<T[K], undefined> }>;
}

/** The stored fields of an account, with the typed values where we have them (local accounts). */
export function parseStoredFields(fieldsJson: string): StoredProfileField[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(fieldsJson);
  } catch {
    return [];
  }
  if (!Array.isArray(parsed)) return [];
  return parsed.flatMap((field: unknown) => {
    if (typeof field !== "object" || field === null) return [];
    const { name, value, verified_at: verifiedAt, value_source: valueSource } = field as Record<string, unknown>;
    const html = typeof value === "string" ? value : "";
    return [
      {
        name: typeof name === "string" ? name : "",
        value: html,
        verified_at: typeof verifiedAt === "string" ? verifiedAt : null,
        value_source: typeof valueSource === "string" ? valueSource : html,
      },
    ];
  });
}
