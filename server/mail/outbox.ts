// The embedded default's "mail server": with no SMTP_URL, mail is kept here (and written to the
// server log) so that `npm run dev` can follow verification and reset links from /dev/outbox.
import type { Mail } from "./mailer";

export type OutboxEntry = Mail & { id: number; sentAt: string };

const MAX_ENTRIES = 50;

// On globalThis: Next may load this module once per route bundle, and the outbox must be one.
const store = globalThis as typeof globalThis & {
  __steadystarOutbox?: { next: number; entries: OutboxEntry[] };
};

function outbox() {
  store.__steadystarOutbox ??= { next: 1, entries: [] };
  return store.__steadystarOutbox;
}

export function addToOutbox(mail: Mail, now = new Date()): OutboxEntry {
  const box = outbox();
  const entry = { ...mail, id: box.next++, sentAt: now.toISOString() };
  box.entries.unshift(entry);
  box.entries.length = Math.min(box.entries.length, MAX_ENTRIES);
  return entry;
}

/** Newest first. */
export function outboxEntries(): readonly OutboxEntry[] {
  return outbox().entries;
}
