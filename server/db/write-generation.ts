import type Database from "better-sqlite3";
import { dataVersionOf, type DataVersion } from "./data-version.ts";

/**
 * A value that changes whenever anything may have been written to the database: a count of this connection's
 * writing statements, and SQLite's data_version, which moves when another connection (Fedify's, another
 * `hearth` process) commits. Whatever was read while it held one value may be reused while it still does.
 * One per database that openDatabase opens (its dialect counts the writes), handed by startInstance to what
 * reuses reads: never looked up from a module-level table, so two instances in one process keep their own.
 */
export class WriteGeneration {
  #ownWrites = 0;
  readonly #dataVersion: DataVersion;

  constructor(sqlite: Database.Database) {
    this.#dataVersion = dataVersionOf(sqlite);
  }

  noteWrite(): void {
    this.#ownWrites++;
  }

  /** Inside readingOnePage, with data_version as the page first read it: from before the page's reads. */
  current(): string {
    return `${this.#ownWrites}.${this.#dataVersion.forPage()}`;
  }
}
