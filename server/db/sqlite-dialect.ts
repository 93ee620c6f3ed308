import type Database from "better-sqlite3";
import {
  CompiledQuery,
  SqliteDialect,
  SqliteDriver,
  type DatabaseConnection,
  type Driver,
  type SqliteDatabase,
  type SqliteDialectConfig,
  type SqliteStatement,
} from "kysely";
import { isDurabilityRelaxed } from "./durability.ts";
import type { WriteGeneration } from "./write-generation.ts";

/**
 * Kysely's SQLite dialect with five changes for a server that writes from many places at once.
 *
 * Transactions begin IMMEDIATE. Kysely begins them DEFERRED: a transaction that reads before it writes holds
 * only a read snapshot until its first write, and if Fedify's connection (its queue, its caches) committed
 * in between, that write fails with SQLITE_BUSY_SNAPSHOT, which no busy timeout can cure. Taking the write
 * lock at BEGIN costs nothing here: every transaction in Hearth writes, and all run on one thread.
 *
 * Transactions of work that may skip its fsync (durability.ts) commit with synchronous NORMAL.
 *
 * Every statement that writes counts in the connection's write generation (write-generation.ts).
 *
 * A failed transaction that SQLite has already ended is not rolled back again (rollbackTransaction).
 *
 * Prepared statements are kept. Kysely prepares every query anew, and a status arriving runs some thirty
 * statements whose text repeats exactly (parameters are bound, not inlined).
 */

const STATEMENT_CACHE_SIZE = 500;

class ImmediateTransactionsDriver extends SqliteDriver {
  /** Whether the open transaction began with synchronous = NORMAL; transactions on the one connection never overlap. */
  #isRelaxed = false;
  readonly #sqlite: Database.Database;

  constructor(config: SqliteDialectConfig, sqlite: Database.Database) {
    super(config);
    this.#sqlite = sqlite;
  }

  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    // The setting cannot change inside a transaction, so it is chosen here, before BEGIN.
    this.#isRelaxed = isDurabilityRelaxed();
    if (this.#isRelaxed) await connection.executeQuery(CompiledQuery.raw("pragma synchronous = NORMAL"));
    await connection.executeQuery(CompiledQuery.raw("begin immediate"));
  }

  override async commitTransaction(connection: DatabaseConnection): Promise<void> {
    try {
      await super.commitTransaction(connection);
    } finally {
      await this.#restoreDurability(connection);
    }
  }

  override async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    try {
      // SQLite ends the transaction itself on some errors (SQLITE_FULL, SQLITE_IOERR, SQLITE_NOMEM); a ROLLBACK
      // then fails with "cannot rollback - no transaction is active", and that error would replace the one
      // that says what went wrong. Only a transaction still open is rolled back, so none is ever left open.
      if (this.#sqlite.inTransaction) await super.rollbackTransaction(connection);
    } finally {
      await this.#restoreDurability(connection);
    }
  }

  async #restoreDurability(connection: DatabaseConnection): Promise<void> {
    if (!this.#isRelaxed) return;
    this.#isRelaxed = false;
    await connection.executeQuery(CompiledQuery.raw("pragma synchronous = FULL"));
  }
}

/** A statement that writes (or may: BEGIN, COMMIT, a pragma) tells the write generation each time it runs. */
function countingWrites(statement: SqliteStatement, generation: WriteGeneration): SqliteStatement {
  if (statement.reader) return statement;
  return {
    reader: false,
    all: (parameters) => statement.all(parameters),
    iterate: (parameters) => statement.iterate(parameters),
    run(parameters) {
      try {
        return statement.run(parameters);
      } finally {
        generation.noteWrite();
      }
    },
  };
}

/** The most recently used statements, by their SQL text. */
function withStatementCache(sqlite: Database.Database, generation: WriteGeneration): SqliteDatabase {
  const statements = new Map<string, SqliteStatement>();
  return {
    close: () => sqlite.close(),
    prepare(sql) {
      let statement = statements.get(sql);
      if (statement) {
        statements.delete(sql);
      } else {
        statement = countingWrites(sqlite.prepare(sql), generation);
        const oldest = statements.keys().next();
        if (statements.size >= STATEMENT_CACHE_SIZE && !oldest.done) statements.delete(oldest.value);
      }
      statements.set(sql, statement);
      return statement;
    },
  };
}

export class HearthSqliteDialect extends SqliteDialect {
  readonly #database: SqliteDatabase;
  readonly #sqlite: Database.Database;

  constructor(sqlite: Database.Database, generation: WriteGeneration) {
    const database = withStatementCache(sqlite, generation);
    super({ database });
    this.#database = database;
    this.#sqlite = sqlite;
  }

  override createDriver(): Driver {
    return new ImmediateTransactionsDriver({ database: this.#database }, this.#sqlite);
  }
}
