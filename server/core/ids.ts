import { randomInt } from "node:crypto";

/**
 * Time-sortable numeric ids, as Mastodon's are: 13 digits of milliseconds since the epoch followed by 5
 * digits of sequence. Every id has the same 18 digits for any time between 2001 and 2286, so ids compare
 * the same as text and as numbers, and Link-header pagination is a plain range scan on a TEXT key.
 */
const SEQUENCE_DIGITS = 5;
const SEQUENCE_LIMIT = 10 ** SEQUENCE_DIGITS;

export interface IdGenerator {
  next(at?: Date): string;
}

export function createIdGenerator(clock: { now(): Date } = { now: () => new Date() }): IdGenerator {
  let lastMs = -1;
  let sequence = 0;
  return {
    next(at?: Date): string {
      const ms = (at ?? clock.now()).getTime();
      if (ms === lastMs) {
        sequence += 1;
        if (sequence >= SEQUENCE_LIMIT) throw new Error("More than 100,000 ids were asked for in one millisecond.");
      } else {
        // A random start within the millisecond keeps ids made for the same instant elsewhere (imports,
        // remote posts with equal published times) from colliding with ours as often.
        sequence = at ? randomInt(0, SEQUENCE_LIMIT / 2) : 0;
        lastMs = ms;
      }
      return formatId(ms, sequence);
    },
  };
}

function formatId(ms: number, sequence: number): string {
  return String(ms).padStart(13, "0") + String(sequence).padStart(SEQUENCE_DIGITS, "0");
}

/** The time an id was made, for "created_at" style questions; null for something that is not one of our ids. */
export function idToDate(id: string): Date | null {
  if (!/^\d{18}$/.test(id)) return null;
  return new Date(Number(id.slice(0, 13)));
}
