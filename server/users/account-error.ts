/** A refusal of an account action, with the field it concerns first in the message ("token: …"). */
export class AccountError extends Error {
  constructor(
    readonly code: "BAD_REQUEST" | "UNAUTHORIZED" | "CONFLICT",
    message: string,
  ) {
    super(message);
  }
}

export const INVALID_LINK = "token: this link is invalid, was already used or has expired";
