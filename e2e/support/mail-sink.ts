// A real SMTP server for the end-to-end tests: the app sends its mail here (SMTP_URL), and each
// mail is written to E2E_MAIL_DIR as JSON for the specs (e2e/mail.ts) to read.
import { writeFileSync } from "node:fs";
import path from "node:path";
import { startSmtpServer } from "../../tests/support/smtp";

const port = Number(process.env.E2E_SMTP_PORT);
const dir = process.env.E2E_MAIL_DIR;
if (!port || !dir) throw new Error("E2E_SMTP_PORT and E2E_MAIL_DIR are required");

let count = 0;
const smtp = await startSmtpServer(port, (mail) => {
  count += 1;
  const name = `${Date.now()}-${String(count).padStart(6, "0")}.json`;
  writeFileSync(
    path.join(dir, name),
    JSON.stringify({ to: mail.to, subject: mail.subject, text: mail.text }),
  );
});
console.log(`SMTP sink on ${smtp.url}, writing to ${dir}`);
