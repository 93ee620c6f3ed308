/** Ids as core makes them (server/core/ids.ts): 13 digits of milliseconds, 5 of sequence; for the seeders. */
export function idAt(ms: number, sequence: number): string {
  return `${String(ms).padStart(13, "0")}${String(sequence % 100_000).padStart(5, "0")}`;
}
