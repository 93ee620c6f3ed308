/**
 * An error whose message is a sentence a person can act on. The CLI prints it as is (no stack) and
 * exits non-zero; anything else that escapes is a bug and is reported with its stack.
 */
export class UserError extends Error {
  override name = "UserError";
}
