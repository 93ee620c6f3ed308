import { sql, type Kysely } from "kysely";

// A trigram index beside status_search's word index: Chinese, Japanese and Korean are written without
// spaces, so the word tokenizer takes a whole sentence as one word, and a word index cannot find part of a
// word. FTS5's trigram tokenizer finds any substring of three characters or more. Contentless (the text is
// already in status_search) with contentless_delete, so an edit or a deletion can drop a row by its rowid,
// which is the status id as a number, as in status_search.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE VIRTUAL TABLE status_search_trigram USING fts5(body, tokenize = 'trigram remove_diacritics 1', content = '', contentless_delete = 1)`.execute(db);
  await sql`INSERT INTO status_search_trigram (rowid, body) SELECT rowid, body FROM status_search`.execute(db);
}
