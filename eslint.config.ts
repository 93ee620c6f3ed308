import js from "@eslint/js";
import globals from "globals";
import tseslint from "typescript-eslint";

// The layout's arrows (../shared/ARCHITECTURE.md), checked rather than hoped for.
const NO_ELECTRON = { name: "electron", message: "server/ runs headless too; only main/ may load Electron." };

export default tseslint.config(
  { ignores: ["node_modules/", "renderer/dist/", "main/dist/", "dist/", "test-results/"] },
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
    rules: { "no-restricted-imports": ["error", { paths: [NO_ELECTRON] }] },
  },
  {
    files: ["server/core/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          paths: [NO_ELECTRON],
          patterns: [{ group: ["**/api/**", "**/federation/**", "**/http/**"], message: "core/ is the domain: it never reaches out to api, federation or http." }],
        },
      ],
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
    files: ["server/core/write.ts"],
    rules: { "no-restricted-syntax": "off" },
  },
  {
    files: ["server/federation/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        { paths: [NO_ELECTRON], patterns: [{ group: ["**/api/**", "**/http/**"], message: "federation/ talks to the client API only through core." }] },
      ],
    },
  },
  {
    files: ["server/api/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        { paths: [NO_ELECTRON], patterns: [{ group: ["**/federation/**", "**/http/**"], message: "api/ talks to federation through core's ports." }] },
      ],
    },
  },
);
