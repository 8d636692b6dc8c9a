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

// A real SMTP server and a real OpenID Connect issuer run beside the app (see e2e/support/): the
// mail directory, like the database directory, is fixed here so workers read what the sink wrote.
const smtpPort = port + 1000;
const oidcPort = port + 2000;
process.env.E2E_MAIL_DIR ??= mkdtempSync(path.join(tmpdir(), "steadystar-e2e-mail-"));
const oidc = { OIDC_CLIENT_ID: "steadystar-e2e", OIDC_CLIENT_SECRET: "e2e-oidc-secret-0123456789" };

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
  webServer: [
    {
      command: "npx tsx e2e/support/mail-sink.ts",
      port: smtpPort,
      reuseExistingServer: false,
      env: { E2E_SMTP_PORT: String(smtpPort), E2E_MAIL_DIR: process.env.E2E_MAIL_DIR },
    },
    {
      command: "npx tsx e2e/support/oidc-issuer.ts",
      url: `http://127.0.0.1:${oidcPort}/.well-known/openid-configuration`,
      reuseExistingServer: false,
      env: { E2E_OIDC_PORT: String(oidcPort), E2E_APP_URL: baseURL, ...oidc },
    },
    {
      command: `npm run db:migrate && npm run db:seed -- --users 60 --posts 45 --ratings 2000 --bomb 200 && printf admin-password-1 | npm run admin -- create admin-e2e@example.test Moderator && npx next start -p ${port} -H 127.0.0.1`,
      url: `${baseURL}/api/health`,
      reuseExistingServer: false,
      timeout: 240_000,
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
        LIMIT_RESET_IP: "1000/1h",
        SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
        MAIL_FROM: "steadystar e2e <no-reply@example.test>",
        OIDC_ISSUER: `http://127.0.0.1:${oidcPort}`,
        OIDC_NAME: "Test OIDC",
        ...oidc,
      },
    },
  ],
});
