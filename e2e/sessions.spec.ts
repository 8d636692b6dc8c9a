import { expect, test, type APIRequestContext } from "@playwright/test";
import { registerNewUser, signIn, signOut } from "./helpers";

async function asCookie(request: APIRequestContext, cookie: string) {
  const session = await request.get("/api/auth/session", { headers: { cookie } });
  const tokens = await request.get("/api/trpc/token.list", { headers: { cookie } });
  return {
    session: (await session.json()) as { user?: { email: string } },
    setCookie: session.headers()["set-cookie"],
    tokens: tokens.status(),
  };
}

test("a session cookie copied before sign-out is refused after it", async ({ page, playwright, baseURL }) => {
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
  // Refused without a cookie reset, which would wipe a sign-in the browser made meanwhile.
  expect(after.setCookie).toBeUndefined();
  // The browser that signed out can sign in again at once, as a new session.
  await signIn(page, user.email, user.password);
  await page.reload();
  await expect(page.getByRole("button", { name: "Sign out", exact: true })).toBeVisible();
  await thief.dispose();
});
