import type { KyselyPlugin } from "kysely";

/** A kysely plugin that counts the statements sent (triggers and FTS5's own work are SQLite's, inside one statement). */
export function countingStatements(): { plugin: KyselyPlugin; count: () => number } {
  let statements = 0;
  return {
    plugin: {
      transformQuery: (args) => {
        statements++;
        return args.node;
      },
      transformResult: async (args) => args.result,
    },
    count: () => statements,
  };
}
