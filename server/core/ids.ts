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

// How many distinct milliseconds the generator remembers; ids for times further back than the last this
// many are rare (a remote post's date) and start at a random sequence, so a repeat is unlikely, not impossible.
const REMEMBERED_MS = 10_000;

export function createIdGenerator(clock: { now(): Date } = { now: () => new Date() }): IdGenerator {
  // The last sequence handed out per millisecond. One counter would not do: an id for a past time (a remote
  // post's date) between two ids for now would restart the sequence, and the second id for now would repeat
  // one already given.
  const lastSequence = new Map<number, number>();
  return {
    next(at?: Date): string {
      const ms = (at ?? clock.now()).getTime();
      const last = lastSequence.get(ms);
      let sequence: number;
      if (last === undefined) {
        // A random start within the millisecond keeps ids made for the same instant elsewhere (imports,
        // remote posts with equal published times) from colliding with ours as often.
        sequence = at ? randomInt(0, SEQUENCE_LIMIT / 2) : 0;
      } else {
        sequence = last + 1;
        if (sequence >= SEQUENCE_LIMIT) throw new Error("More than 100,000 ids were asked for in one millisecond.");
        lastSequence.delete(ms);
      }
      lastSequence.set(ms, sequence);
      if (lastSequence.size > REMEMBERED_MS) {
        const oldest = lastSequence.keys().next();
        if (!oldest.done) lastSequence.delete(oldest.value);
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
