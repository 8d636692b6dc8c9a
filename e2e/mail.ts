import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { expect } from "@playwright/test";

type Mail = { to: string[]; subject: string; text: string };

function mailDir(): string {
  const dir = process.env.E2E_MAIL_DIR;
  if (!dir) throw new Error("E2E_MAIL_DIR is not set (playwright.config.ts sets it)");
  return dir;
}

function mailsTo(address: string): Mail[] {
  return readdirSync(mailDir())
    .filter((name) => name.endsWith(".json"))
    .sort()
    .map((name) => JSON.parse(readFileSync(path.join(mailDir(), name), "utf8")) as Mail)
    .filter((mail) => mail.to.includes(address.toLowerCase()));
}

/** The newest mail to the address whose subject matches, waiting for it to arrive at the SMTP sink. */
export async function latestMail(address: string, subject: RegExp, after = 0): Promise<Mail> {
  let found: Mail | undefined;
  await expect
    .poll(() => {
      found = mailsTo(address)
        .slice(after)
        .findLast((mail) => subject.test(mail.subject));
      return Boolean(found);
    })
    .toBe(true);
  return found!;
}

/** How many mails the address has received so far (to wait for a newer one). */
export function mailCount(address: string): number {
  return mailsTo(address).length;
}

/** The app link in a mail, as a path with its #token= fragment. */
export function linkIn(mail: Mail): string {
  const url = /^https?:\/\/\S+#token=\S+$/m.exec(mail.text)?.[0];
  if (!url) throw new Error(`no link in mail: ${mail.text}`);
  const parsed = new URL(url);
  return `${parsed.pathname}${parsed.hash}`;
}
