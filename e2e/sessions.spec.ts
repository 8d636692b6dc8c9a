import { expect, test, type APIRequestContext } from "@playwright/test";
import { registerNewUser, signOut } from "./helpers";

async function asCookie(request: APIRequestContext, cookie: string) {
  const session = await request.get("/api/auth/session", { headers: { cookie } });
  const tokens = await request.get("/api/trpc/token.list", { headers: { cookie } });
  return { session: (await session.json()) as { user?: { email: string } }, tokens: tokens.status() };
}

// Sign-out clears only this browser's cookie now (see server/auth.ts); ending every session is
// "Sign out everywhere" in /settings, whose browser flow is not yet proven here.
test.fixme("a session cookie copied before sign-out is refused after it", async ({
  page,
  playwright,
  baseURL,
}) => {
  const user = await registerNewUser(page);
  const cookies = await page.context().cookies();
  const session = cookies.find((cookie) => cookie.name.endsWith("next-auth.session-token"));
  expect(session).toBeDefined();
  const header = `${session?.name}=${session?.value}`;
  // A separate client holding only the copied cookie, as a thief would.
  const thief = await playwright.request.newContext({ baseURL });
  const before = await asCookie(thief, header);
  expect(before.session.user?.email).toBe(user.email);
  expect(before.tokens).toBe(200);

  await signOut(page);

  const after = await asCookie(thief, header);
  expect(after.session.user).toBeUndefined();
  expect(after.tokens).toBe(401);
  await thief.dispose();
});
