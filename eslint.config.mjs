// ESLint over the page scripts (content/assets), run in the reader's browser. One style: strict mode,
// const/let, ===. The self-check page script and its worker are ES modules. The scripts the theme's
// instant navigation must run again on every page change (the case filters, the trainers' kit) and
// the self-check's early loader (it reads document.currentScript) are classic scripts, each one
// strict IIFE: a module runs once per document, however often its <script> is inserted.
// Pinned in package-lock.json; run by the unit tests (tests/test_static.py).
import js from "@eslint/js";
import globals from "globals";

export default [
  js.configs.recommended,
  {
    files: ["content/assets/**/*.js", "content/assets/**/*.mjs"],
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: "module",
      globals: { ...globals.browser },
    },
    rules: {
      "no-var": "error",
      "prefer-const": "error",
      eqeqeq: ["error", "always", { null: "ignore" }],
      "no-implicit-globals": "error",
      "no-unused-vars": ["error", { args: "after-used", caughtErrors: "none", ignoreRestSiblings: true }],
    },
  },
  {
    files: ["content/assets/cases/filter.js", "content/assets/training/training.js", "content/assets/selfcheck/boot.js"],
    languageOptions: { sourceType: "script" },
    rules: { strict: ["error", "function"] },
  },
  {
    files: ["content/assets/**/worker.mjs"],
    languageOptions: { globals: { ...globals.worker } },
  },
];
