/** Column types the table files share: how SQLite holds times and booleans, and what an insert may leave out. */
import type { ColumnType } from "kysely";

/** ISO-8601 timestamps with milliseconds, as text: they sort and compare as times do. */
export type Timestamp = string;

/** SQLite has no boolean: 0 or 1. */
export type Flag = ColumnType<number, number | undefined, number>;

/** A nullable column an insert may leave out (null). */
export type Optional<T> = ColumnType<T | null, T | null | undefined, T | null>;

/** A column with a default, which an insert may leave out. */
export type Defaulted<T> = ColumnType<T, T | undefined, T>;
