import { encode, type JWT } from "next-auth/jwt";
import { authSecret } from "@/server/env";

/** The cookie next-auth sets after a credentials sign-in: the same signed, encrypted JWT. */
export async function sessionCookie(
  userId: number | string,
  secret = authSecret(),
  claims: Partial<JWT> = {},
): Promise<string> {
  const token = await encode({
    token: { sub: String(userId), name: "Tester", email: "tester@example.test", ...claims },
    secret,
  });
  return `next-auth.session-token=${token}`;
}
