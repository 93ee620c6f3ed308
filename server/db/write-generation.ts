import type Database from "better-sqlite3";
import type { Kysely } from "kysely";
import type { DatabaseSchema } from "./schema.ts";

/**
 * A value that changes whenever anything may have been written to the database: a count of this connection's
 * writing statements, and SQLite's data_version, which moves when another connection (Fedify's, another
 * `hearth` process) commits. Whatever was read while it held one value may be reused while it still does.
 */
export class WriteGeneration {
  #ownWrites = 0;
  readonly #dataVersion: Database.Statement<[], number>;

  constructor(sqlite: Database.Database) {
    this.#dataVersion = sqlite.prepare<[], number>("PRAGMA data_version").pluck();
  }

  noteWrite(): void {
    this.#ownWrites++;
  }

  current(): string {
    return `${this.#ownWrites}.${this.#dataVersion.get()}`;
  }
}

const generations = new WeakMap<Kysely<DatabaseSchema>, WriteGeneration>();

export function registerWriteGeneration(db: Kysely<DatabaseSchema>, generation: WriteGeneration): void {
  generations.set(db, generation);
}

/** The write generation of a database opened by openDatabase; undefined for any other Kysely instance. */
export function writeGenerationOf(db: Kysely<DatabaseSchema>): WriteGeneration | undefined {
  return generations.get(db);
}
