import { defineConfig, globalIgnores } from "eslint/config";
import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

/** Imports a folder may not make: dependencies point one way, app → components → server → db. */
function forbid(files, restriction, message) {
  return {
    files,
    rules: {
      "@typescript-eslint/no-restricted-imports": [
        "error",
        { patterns: [{ ...restriction, message, allowTypeImports: true }] },
      ],
    },
  };
}

// What client code may share with the server: input schemas, sort names, the score scale, the query
// client's options, the batch cap and the sign-in callback rule. Everything else under server/ is
// server-only.
const CLIENT_IMPORTS = {
  regex:
    "^@/(app|pages|scripts|bench|db)/|^@/server/(?!(api/inputs|api/query-client|api/batch|callback-url|posts/cursor|posts/sorts|ratings/scale)$)",
};
const CLIENT_IMPORTS_MESSAGE =
  "client code runs in the browser: it may import types from server/, and only the modules shared with it.";

const ABOVE_SERVER = [
  "@/app/**",
  "@/pages/**",
  "@/components/**",
  "@/scripts/**",
  "@/bench/**",
  "@/tests/**",
];

export default defineConfig([
  ...nextVitals,
  ...nextTs,
  {
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  forbid(
    ["db/**"],
    { group: ["@/server/**", ...ABOVE_SERVER] },
    "db/ is the bottom layer: it imports nothing above it.",
  ),
  forbid(
    ["server/**"],
    { group: ABOVE_SERVER },
    "server/ imports only server/ and db/ (components and scripts sit above it).",
  ),
  forbid(["components/**"], CLIENT_IMPORTS, CLIENT_IMPORTS_MESSAGE),
  // The app's client entry points outside components/ hold to the same rule. This rule, not
  // `import "server-only"`, keeps server code out of the browser: the pages-router API route loads
  // server/ without the react-server condition, where that package throws (docs/architecture.md).
  {
    ...forbid(
      ["app/**/error.tsx", "app/**/global-error.tsx", "pages/**"],
      CLIENT_IMPORTS,
      CLIENT_IMPORTS_MESSAGE,
    ),
    ignores: ["pages/api/**"],
  },
  forbid(["tests/**"], { group: ["@/bench/**", "**/bench/**"] }, "Tests do not depend on the benchmarks."),
  {
    // Configuration is read once, in server/env.ts; next.config.mjs, instrumentation.ts and the
    // tooling configs read their own few variables before the app's modules exist.
    files: ["app/**", "pages/**", "components/**", "server/**", "db/**", "scripts/**"],
    ignores: ["server/env.ts"],
    rules: {
      "no-restricted-properties": [
        "error",
        {
          object: "process",
          property: "env",
          message: "Read configuration through serverConfig() in server/env.ts.",
        },
      ],
    },
  },
  globalIgnores([
    ".next/**",
    "out/**",
    "build/**",
    "next-env.d.ts",
    ".data/**",
    "test-results/**",
    "playwright-report/**",
  ]),
]);
