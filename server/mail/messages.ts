// The text of every mail the site sends. Links carry their token in the fragment (#token=…): a
// fragment is never sent to the server, so it stays out of access logs and Referer headers.
import { serverConfig, type ServerConfig } from "@/server/env";
import type { Mail } from "./mailer";

/** The site's public address for links in mail: NEXTAUTH_URL, or this machine's dev server. */
export function siteUrl(config: ServerConfig = serverConfig()): string {
  return config.nextAuthUrl?.replace(/\/+$/, "") || `http://localhost:${config.port}`;
}

export function linkWithToken(path: string, token: string): string {
  return `${siteUrl()}${path}#token=${encodeURIComponent(token)}`;
}

export function verificationMail(to: string, token: string): Mail {
  return {
    to,
    subject: "Confirm your email for steadystar",
    text: [
      "Confirm that this address is yours by opening this link (it works once, within 24 hours):",
      "",
      linkWithToken("/verify-email", token),
      "",
      "If you did not ask for this, ignore this mail: nothing changes.",
    ].join("\n"),
  };
}

export function passwordResetMail(to: string, token: string): Mail {
  return {
    to,
    subject: "Reset your steadystar password",
    text: [
      "Someone (hopefully you) asked to reset the password of the steadystar account for this address.",
      "Choose a new password here (the link works once, within 1 hour):",
      "",
      linkWithToken("/reset-password", token),
      "",
      "Resetting signs the account out everywhere. If you did not ask for this, ignore this mail.",
    ].join("\n"),
  };
}

/** Sent instead of a verification link when the new address already belongs to another account. */
export function addressInUseMail(to: string): Mail {
  return {
    to,
    subject: "Your address was entered on steadystar",
    text: [
      "Someone asked to move a steadystar account to this address, but it already belongs to an account.",
      'Nothing was changed. If you forgot your password, use "Forgot password" on the sign-in page.',
    ].join("\n"),
  };
}
