import js from "@eslint/js";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: [".next/**", "out/**", "node_modules/**", "next-env.d.ts", ".e2e-build/**", "test-results/**"] },
  js.configs.recommended,
  {
    files: ["**/*.{ts,tsx}"],
    extends: [...tseslint.configs.strictTypeChecked],
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ["*.mjs", "scripts/*.mjs"] },
        tsconfigRootDir: import.meta.dirname,
      },
      globals: { ...globals.browser },
    },
    plugins: { "react-hooks": reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      "react-hooks/exhaustive-deps": "error",
      "@typescript-eslint/explicit-function-return-type": [
        "error",
        { allowExpressions: true, allowTypedFunctionExpressions: true },
      ],
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": "error",
      "@typescript-eslint/consistent-type-imports": "error",
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/restrict-template-expressions": ["error", { allowNumber: true }],
      "@typescript-eslint/no-confusing-void-expression": "off",
      eqeqeq: ["error", "always"],
      "no-console": "error",
      "no-restricted-properties": [
        "error",
        { object: "window", property: "localStorage", message: "No PHI in web storage." },
        { object: "window", property: "sessionStorage", message: "No PHI in web storage." },
      ],
      "no-restricted-globals": [
        "error",
        { name: "localStorage", message: "No PHI in web storage." },
        { name: "sessionStorage", message: "No PHI in web storage." },
      ],
      "no-restricted-syntax": [
        "error",
        {
          selector: "CallExpression[callee.object.name='test'][callee.property.name='only']",
          message: "No .only in committed tests.",
        },
        {
          selector: "CallExpression[callee.object.name='it'][callee.property.name='only']",
          message: "No .only in committed tests.",
        },
        {
          selector: "CallExpression[callee.object.name='describe'][callee.property.name='only']",
          message: "No .only in committed tests.",
        },
      ],
    },
  },
  {
    // node:test's describe/test return promises the runner itself awaits.
    files: ["e2e/**/*.ts"],
    languageOptions: { globals: { ...globals.node } },
    rules: {
      "@typescript-eslint/no-floating-promises": [
        "error",
        {
          allowForKnownSafeCalls: [
            { from: "package", package: "node:test", name: ["describe", "test", "it", "suite"] },
          ],
        },
      ],
    },
  },
  {
    files: ["scripts/**/*.mjs", "*.mjs"],
    languageOptions: { globals: { ...globals.node } },
    rules: { "no-console": "off" },
  },
);
