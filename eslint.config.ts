import js from "@eslint/js";
import type { Linter } from "eslint";
import globals from "globals";
import tseslint from "typescript-eslint";

// The layout's arrows (../shared/ARCHITECTURE.md), checked rather than hoped for.
const NO_ELECTRON = { name: "electron", message: "server/ runs headless too; only main/ may load Electron." };

type ImportPattern = { group: string[]; message: string } | { regex: string; message: string };

// Table types have one import path: db/schema.ts, which assembles db/schema/*.ts.
const SCHEMA_THROUGH_ONE_PATH: ImportPattern = {
  regex: "(^|/)db/schema/|^\\./schema/",
  message: "Import table types from db/schema.ts, which assembles db/schema/.",
};
const CORE_STAYS_IN: ImportPattern = {
  group: ["**/api/**", "**/federation/**", "**/http/**"],
  message: "core/ is the domain: it never reaches out to api, federation or http.",
};

/** no-restricted-imports for server/ files: the last config that matches a file sets all of its patterns. */
function restrictImports(...patterns: ImportPattern[]): Linter.RulesRecord {
  return { "no-restricted-imports": ["error", { paths: [NO_ELECTRON], patterns: [SCHEMA_THROUGH_ONE_PATH, ...patterns] }] };
}

export default tseslint.config(
  { ignores: ["node_modules/", "renderer/dist/", "main/dist/", "dist/", "test-results/", "server-bundle/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": "error",
    },
  },
  {
    files: ["renderer/src/**/*.{ts,tsx}"],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ["server/**/*.ts"],
    rules: restrictImports(),
  },
  {
    files: ["server/db/schema.ts"],
    rules: { "no-restricted-imports": ["error", { paths: [NO_ELECTRON] }] },
  },
  {
    files: ["server/core/**/*.ts"],
    rules: restrictImports(CORE_STAYS_IN),
  },
  {
    // Who may see a status is decided from rows alone: every feature folder asks visibility/, so visibility/
    // asking one of them back would tie them all together.
    files: ["server/core/visibility/**/*.ts"],
    rules: restrictImports(CORE_STAYS_IN, {
      regex: "^\\.\\./(?!\\.\\./)[^/]+/",
      message: "visibility/ reads core's root modules (rows.ts, context.ts, clock.ts, ids.ts, paging.ts, limits.ts) and db/, never a sibling feature folder.",
    }),
  },
  {
    files: ["server/core/rows.ts"],
    rules: restrictImports(CORE_STAYS_IN, {
      regex: "^\\./|^\\.\\./(?!db/)",
      message: "rows.ts names the rows of db/schema.ts: it imports db/ and nothing of core.",
    }),
  },
  {
    files: ["server/core/**/*.ts"],
    ignores: ["server/core/write.ts"],
    rules: {
      // Effects run after the commit, and what federates is recorded with the write: only write() opens one.
      "no-restricted-syntax": [
        "error",
        { selector: "MemberExpression[property.name='transaction'][object.property.name='db']", message: "Write through core/write.ts's write(ctx, (trx, after) => ...)." },
        {
          selector: "CallExpression[callee.object.property.name='db'][callee.property.name=/^(insertInto|updateTable|deleteFrom|replaceInto|mergeInto)$/]",
          message: "Write through core/write.ts's write(ctx, (trx, after) => ...).",
        },
      ],
    },
  },
  {
    files: ["server/federation/**/*.ts"],
    rules: restrictImports({ group: ["**/api/**", "**/http/**"], message: "federation/ talks to the client API only through core." }),
  },
  {
    files: ["server/api/**/*.ts"],
    rules: restrictImports({ group: ["**/federation/**", "**/http/**"], message: "api/ talks to federation through core's ports." }),
  },
);
