import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { serverConfig } from "@/server/env";
import { outboxEntries } from "@/server/mail/outbox";

export const metadata: Metadata = { title: "Outbox (development) · steadystar" };
export const dynamic = "force-dynamic";

/** Development only: the mail the embedded default would have sent, with its links to follow. */
export default function OutboxPage() {
  const config = serverConfig();
  if (config.production) notFound();
  const { smtpUrl } = config.mail;
  const entries = outboxEntries();
  return (
    <section className="narrow wide">
      <h1>Outbox</h1>
      <p className="hint">
        {smtpUrl
          ? "SMTP_URL is set: mail goes to that server, not here."
          : "No SMTP_URL: mail is kept here (newest first) and written to the server log."}
      </p>
      {entries.length === 0 ? (
        <p className="empty">No mail yet.</p>
      ) : (
        entries.map((mail) => (
          <article key={mail.id} className="card outbox-mail">
            <h2>{mail.subject}</h2>
            <p className="hint">
              To {mail.to} · {mail.sentAt}
            </p>
            <pre className="content">
              {mail.text.split("\n").map((line, i) => (
                <span key={i}>
                  {/^https?:\/\/\S+$/.test(line) ? <a href={line}>{line}</a> : line}
                  {"\n"}
                </span>
              ))}
            </pre>
          </article>
        ))
      )}
    </section>
  );
}
