import { UserError } from "../user-error.ts";

/**
 * The kinds of refusal core throws, each with a sentence a person can act on. They are UserErrors, so the
 * CLI prints the sentence without a stack; http/errors.ts answers each kind with its status and Mastodon's
 * error body, in that one place. core says what went wrong, never which status code it is.
 */

/**
 * Nothing by that id, or nothing the asker may see: Mastodon answers both alike (404 "Record not found"), so
 * that a hidden status, list or filter cannot be told from one that never was.
 */
export class NotFound extends UserError {
  override name = "NotFound";
}

/** The asker may not do this, whatever the input (403). */
export class Forbidden extends UserError {
  override name = "Forbidden";
}

/** The input cannot be taken as it is: the sentence says what to change (422). */
export class Invalid extends UserError {
  override name = "Invalid";
}

/** The act clashes with what already is, such as setting up an instance twice (409). */
export class Conflict extends UserError {
  override name = "Conflict";
}
