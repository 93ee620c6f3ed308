import { AsyncLocalStorage } from "node:async_hooks";
import type Database from "better-sqlite3";

/** What each connection's data_version was when the page being read first asked (readingOnePage). */
const versionsThisPage = new AsyncLocalStorage<Map<DataVersion, number>>();

/**
 * Runs `work`, the reads of one page (an API request), reading SQLite's data_version once for all who ask:
 * the token's check, the recent answers' store and the page caches' guard each read it, three PRAGMA
 * statements a page, and the guard once more for each loader before that (issue #19). What another connection
 * commits while the page is read is seen by the next page, as when the page's one look was handed to each.
 */
export function readingOnePage<T>(work: () => T): T {
  return versionsThisPage.run(new Map(), work);
}

/** SQLite's data_version of one connection: it moves when another connection commits. */
export class DataVersion {
  readonly #statement: Database.Statement<[], number>;

  constructor(sqlite: Database.Database) {
    this.#statement = sqlite.prepare<[], number>("PRAGMA data_version").pluck();
  }

  /** As it is now. */
  now(): number {
    return this.#statement.get()!;
  }

  /** Inside readingOnePage, as it was when the page first asked; outside, as it is now. */
  forPage(): number {
    const page = versionsThisPage.getStore();
    if (page === undefined) return this.now();
    let version = page.get(this);
    if (version === undefined) {
      version = this.now();
      page.set(this, version);
    }
    return version;
  }
}

const ofConnection = new WeakMap<Database.Database, DataVersion>();

/** The one DataVersion of a connection, shared by all who read it so that a page reads it once. */
export function dataVersionOf(sqlite: Database.Database): DataVersion {
  let found = ofConnection.get(sqlite);
  if (!found) {
    found = new DataVersion(sqlite);
    ofConnection.set(sqlite, found);
  }
  return found;
}
