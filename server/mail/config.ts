export type MailConfig = { smtpUrl: string | null; from: string };

export const DEFAULT_MAIL_FROM = "steadystar <no-reply@steadystar.invalid>";

/** SMTP_URL and MAIL_FROM, validated: a bad value throws a message naming the variable. */
export function mailConfigFromEnv(env: Record<string, string | undefined>): MailConfig {
  const smtpUrl = env.SMTP_URL?.trim() || null;
  if (smtpUrl && !/^smtps?:\/\/\S+$/.test(smtpUrl))
    throw new Error(`SMTP_URL="${smtpUrl}" is not an smtp:// or smtps:// URL`);
  const from = env.MAIL_FROM?.trim() || DEFAULT_MAIL_FROM;
  if (!/@/.test(from) || /[\r\n]/.test(from))
    throw new Error(`MAIL_FROM="${from}" is not an address such as "steadystar <no-reply@example.com>"`);
  return { smtpUrl, from };
}
