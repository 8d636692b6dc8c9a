import { expect, test } from "@playwright/test";
import { hydrated, registerNewUser, signOut } from "./helpers";

// The query strings exactly as an attacker would link them: each reads as another host to a browser.
const BYPASSES = ["/\\evil.example/", "/%09/evil.example/", "/\\/evil.example/", "/.//evil.example/"];

test("sign-in never follows a callbackUrl off the site", async ({ page, baseURL }) => {
  // Four sign-ins and sign-outs in one test.
  test.slow();
  const offSite: string[] = [];
  // Matched by host: the sign-in page's own URL names evil.example in its query.
  await page.route(
    (url) => url.hostname.endsWith("evil.example"),
    async (route) => {
      offSite.push(route.request().url());
      await route.abort();
    },
  );
  const user = await registerNewUser(page);
  await signOut(page);
  for (const callback of BYPASSES) {
    await page.goto(`/signin?callbackUrl=${callback}`);
    await hydrated(page);
    await page.getByLabel("Email").fill(user.email);
    await page.getByLabel("Password").fill(user.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByRole("button", { name: "Sign out", exact: true })).toBeVisible();
    await expect.poll(() => new URL(page.url()).origin, callback).toBe(new URL(baseURL ?? "").origin);
    expect(new URL(page.url()).pathname, callback).not.toMatch(/^\/\//);
    await signOut(page);
  }
  expect(offSite).toEqual([]);
});
