// Outgoing mail: through SMTP when SMTP_URL is set, otherwise into the server log and the dev outbox.
import { createTransport } from "nodemailer";
import { addToOutbox } from "./outbox";

export type Mail = { to: string; subject: string; text: string };

export type Mailer = { send(mail: Mail): Promise<void> };

export type MailConfig = { smtpUrl: string | null; from: string };

export const DEFAULT_MAIL_FROM = "steadystar <no-reply@steadystar.invalid>";

/** SMTP_URL and MAIL_FROM, validated: a bad value throws a message naming the variable. */
export function mailConfigFromEnv(env: Record<string, string | undefined> = process.env): MailConfig {
  const smtpUrl = env.SMTP_URL?.trim() || null;
  if (smtpUrl && !/^smtps?:\/\/\S+$/.test(smtpUrl))
    throw new Error(`SMTP_URL="${smtpUrl}" is not an smtp:// or smtps:// URL`);
  const from = env.MAIL_FROM?.trim() || DEFAULT_MAIL_FROM;
  if (!/@/.test(from) || /[\r\n]/.test(from))
    throw new Error(`MAIL_FROM="${from}" is not an address such as "steadystar <no-reply@example.com>"`);
  return { smtpUrl, from };
}

export function smtpMailer(url: string, from: string): Mailer {
  const transport = createTransport(url);
  return {
    async send(mail) {
      await transport.sendMail({ from, to: mail.to, subject: mail.subject, text: mail.text });
    },
  };
}

export function logMailer(log: (line: string) => void = (line) => console.info(line)): Mailer {
  return {
    async send(mail) {
      const entry = addToOutbox(mail);
      log(`[mail] #${entry.id} to ${mail.to}: ${mail.subject}\n${mail.text}`);
    },
  };
}

let processMailer: Mailer | undefined;

/** The process's mailer from the environment, built once (one SMTP connection pool). */
export function defaultMailer(): Mailer {
  if (!processMailer) {
    const config = mailConfigFromEnv();
    processMailer = config.smtpUrl ? smtpMailer(config.smtpUrl, config.from) : logMailer();
  }
  return processMailer;
}
