// ESLint flat config. Formatting belongs to Prettier (`eslint-config-prettier` comes last and
// switches off every stylistic rule that could disagree with it); ESLint checks correctness.
import js from "@eslint/js";
import prettier from "eslint-config-prettier";
import jsxA11y from "eslint-plugin-jsx-a11y";
import react from "eslint-plugin-react";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    ignores: [
      "build/",
      "public/build/",
      ".cache/",
      "data/",
      "test-results/",
      "playwright-report/",
      "tests/fixtures/",
      "docs/",
      "supabase/",
    ],
  },
  js.configs.recommended,
  // Type-aware rules: the project service reuses tsconfig.json, so ESLint sees the same types as tsc.
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
      globals: { ...globals.node, ...globals.browser },
    },
    linterOptions: { reportUnusedDisableDirectives: "error" },
    rules: {
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none", ignoreRestSiblings: true },
      ],
      // `typeof import("…")` stays allowed: tests type modules they import after vi.resetModules().
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports", disallowTypeAnnotations: false }],
      "@typescript-eslint/no-import-type-side-effects": "error",
      // A switch over a union must name every case or say `default` on purpose.
      "@typescript-eslint/switch-exhaustiveness-check": ["error", { considerDefaultExhaustiveForUnions: true }],
      "@typescript-eslint/no-misused-promises": ["error", { checksVoidReturn: { attributes: false } }],
      // Remix loaders and actions throw Responses (redirect, 4xx) and data(…, { status }) by design;
      // everything else must be an Error.
      "@typescript-eslint/only-throw-error": [
        "error",
        {
          allow: [
            { from: "lib", name: "Response" },
            { from: "package", package: "@remix-run/server-runtime", name: "TypedResponse" },
            { from: "package", package: "@remix-run/router", name: "DataWithResponseInit" },
          ],
        },
      ],
      // React hands renderToPipeableStream's shell error over as `unknown`; passing it on is not a new throw.
      "@typescript-eslint/prefer-promise-reject-errors": ["error", { allowThrowingUnknown: true }],
      eqeqeq: ["error", "always", { null: "ignore" }],
    },
  },
  {
    files: ["tests/**"],
    rules: {
      // Tests read the JSON the system under test produced and probe it with expect(); typing each parse
      // would assert the very shape under test. App, CLI and bench code keep these rules.
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-member-access": "off",
      "@typescript-eslint/no-unsafe-argument": "off",
      "@typescript-eslint/no-unsafe-call": "off",
      "@typescript-eslint/no-unsafe-return": "off",
      "@typescript-eslint/no-explicit-any": "off",
    },
  },
  {
    // Plain JS config files are not part of tsconfig.json: lint them without type information.
    files: ["**/*.js"],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    files: ["**/*.tsx"],
    ...react.configs.flat.recommended,
    ...react.configs.flat["jsx-runtime"],
    plugins: { react, "jsx-a11y": jsxA11y, "react-hooks": reactHooks },
    settings: { react: { version: "18.3" } },
    languageOptions: { ...react.configs.flat.recommended.languageOptions },
    rules: {
      ...react.configs.flat.recommended.rules,
      ...react.configs.flat["jsx-runtime"].rules,
      ...jsxA11y.flatConfigs.recommended.rules,
      ...reactHooks.configs.flat["recommended-latest"].rules,
      // TypeScript checks props; propTypes would duplicate the types at run time.
      "react/prop-types": "off",
    },
  },
  prettier,
);
