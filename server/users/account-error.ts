import { DomainError } from "@/server/errors";

/** The one answer to a link token that cannot be used, whatever the reason (no oracle for guessing). */
export function invalidLink(): DomainError {
  return new DomainError("INVALID", "this link is invalid, was already used or has expired", {
    field: "token",
  });
}

/** A signed-in account that was deleted meanwhile. */
export function accountGone(): DomainError {
  return new DomainError("NOT_FOUND", "your account no longer exists: sign in again");
}
