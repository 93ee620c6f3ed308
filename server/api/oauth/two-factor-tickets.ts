import { randomBytes } from "node:crypto";
import type { Clock } from "../../core/clock.ts";

/** How long the code step waits after the password was right: time to open the app and type six digits. */
const TICKET_LIFETIME_MS = 5 * 60 * 1000;
/** Wrong codes one ticket takes before the password is asked again (the per-account limit counts them too). */
const TRIES_PER_TICKET = 5;
/** Bounded whatever arrives: a password is needed to make a ticket, so this is only a guard. */
const MOST_TICKETS = 1_000;

interface Ticket {
  accountId: string;
  clientId: string;
  expiresAt: number;
  triesLeft: number;
}

/**
 * The sign-in form's memory between its two steps: a right password for an account with two-factor on gives a
 * ticket (random, in the form as a hidden field), and the code step trades it back. In memory, so the password
 * never goes back into the page and a restart simply asks for it again.
 */
export interface TwoFactorTickets {
  issue(accountId: string, clientId: string): string;
  /** The account the ticket is for, if it is live and was issued to this app; a wrong code spends a try. */
  find(ticket: string, clientId: string): string | undefined;
  spendTry(ticket: string): void;
  drop(ticket: string): void;
}

export function createTwoFactorTickets(clock: Clock): TwoFactorTickets {
  const tickets = new Map<string, Ticket>();

  function prune(now: number): void {
    for (const [key, ticket] of tickets) if (ticket.expiresAt <= now) tickets.delete(key);
    while (tickets.size >= MOST_TICKETS) tickets.delete(tickets.keys().next().value!);
  }

  return {
    issue(accountId, clientId) {
      const now = clock.now().getTime();
      prune(now);
      const ticket = randomBytes(32).toString("base64url");
      tickets.set(ticket, { accountId, clientId, expiresAt: now + TICKET_LIFETIME_MS, triesLeft: TRIES_PER_TICKET });
      return ticket;
    },
    find(ticket, clientId) {
      const found = tickets.get(ticket);
      if (!found || found.clientId !== clientId) return undefined;
      if (found.expiresAt <= clock.now().getTime() || found.triesLeft <= 0) {
        tickets.delete(ticket);
        return undefined;
      }
      return found.accountId;
    },
    spendTry(ticket) {
      const found = tickets.get(ticket);
      if (found) found.triesLeft -= 1;
    },
    drop(ticket) {
      tickets.delete(ticket);
    },
  };
}
