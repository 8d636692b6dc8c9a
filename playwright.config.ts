import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { defineConfig, devices } from "@playwright/test";

const port = Number(process.env.E2E_PORT ?? 3100);
export const baseURL = `http://127.0.0.1:${port}`;

// Against E2E_DATABASE_URL when given (CI: the machine's Postgres), otherwise a fresh embedded
// PGlite directory. The env var is set once here so worker processes, which re-read this file,
// agree with the server on the same directory.
process.env.E2E_PGLITE_DIR ??= mkdtempSync(path.join(tmpdir(), "steadystar-e2e-"));
const database: Record<string, string> = process.env.E2E_DATABASE_URL
  ? { DATABASE_URL: process.env.E2E_DATABASE_URL }
  : { PGLITE_DIR: process.env.E2E_PGLITE_DIR };

const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export default defineConfig({
  testDir: "e2e",
  fullyParallel: false,
  workers: 1,
  retries: process.env.CI ? 1 : 0,
  timeout: 30_000,
  expect: { timeout: 10_000 },
  outputDir: "test-results/e2e",
  reporter: [["list"]],
  use: {
    baseURL,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
  },
  projects: [
    {
      name: "chromium",
      use: {
        ...devices["Desktop Chrome"],
        launchOptions: {
          executablePath: chromiumPath,
          // Debian's Chromium as root needs --no-sandbox; the rest keep it off the (closed) network.
          args: [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
          ],
        },
      },
    },
  ],
  webServer: {
    command: `npm run db:migrate && npm run db:seed -- --users 60 --posts 45 --ratings 2000 --bomb 200 && printf admin-password-1 | npm run admin -- create admin-e2e@example.test Moderator && npx next start -p ${port} -H 127.0.0.1`,
    url: `${baseURL}/api/health`,
    reuseExistingServer: false,
    timeout: 120_000,
    stdout: "pipe",
    stderr: "pipe",
    env: {
      ...database,
      NEXTAUTH_SECRET: "e2e-secret-not-for-production-use-0123456789",
      NEXTAUTH_URL: baseURL,
      // Listed, yet registering with it must not make an admin (e2e/moderation.spec.ts).
      ADMIN_EMAILS: "admin-e2e@example.test,squatter-e2e@example.test",
      PORT: String(port),
      // Every spec registers and signs in from this one address; the defaults (5 registrations an
      // hour) would refuse a full run, let alone a retry.
      LIMIT_REGISTER_IP: "1000/1h",
      LIMIT_SIGNIN_IP: "1000/5m",
    },
  },
});
