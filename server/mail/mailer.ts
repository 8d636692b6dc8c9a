// Outgoing mail: through SMTP when SMTP_URL is set, otherwise into the server log and the dev outbox.
import { createTransport } from "nodemailer";
import { serverConfig } from "@/server/env";
import { addToOutbox } from "./outbox";

export type Mail = { to: string; subject: string; text: string };

export type Mailer = { send(mail: Mail): Promise<void> };

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
    const config = serverConfig().mail;
    processMailer = config.smtpUrl ? smtpMailer(config.smtpUrl, config.from) : logMailer();
  }
  return processMailer;
}
