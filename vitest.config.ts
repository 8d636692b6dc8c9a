import path from "node:path";
import { defineConfig } from "vitest/config";

const root = path.dirname(new URL(import.meta.url).pathname);

// Integration tests run once per database: always on embedded PGlite, and also on a real
// Postgres server when TEST_DATABASE_URL names one (CI does, and fails if it is unreachable).
const databases = ["pglite", ...(process.env.TEST_DATABASE_URL ? ["postgres"] : [])];

export default defineConfig({
  resolve: {
    alias: {
      "@": root,
      // Tests run server modules directly, as the server does (Next resolves it to an empty module
      // on the server and to a build error in client code).
      "server-only": path.join(root, "node_modules/server-only/empty.js"),
    },
  },
  test: {
    environment: "node",
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      { extends: true, test: { name: "unit", include: ["tests/unit/**/*.test.ts"] } },
      ...databases.map((driver) => ({
        extends: true as const,
        test: {
          name: driver,
          include: ["tests/integration/**/*.test.ts"],
          env: { TEST_DRIVER: driver },
          globalSetup: ["tests/support/global-setup.ts"],
        },
      })),
    ],
  },
});
