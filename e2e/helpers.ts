import { expect, type Page } from "@playwright/test";

let counter = 0;

/** Waits until React has hydrated the page (set by components/providers.tsx), so typing sticks. */
export async function hydrated(page: Page) {
  await expect(page.locator("html[data-hydrated]")).toHaveCount(1);
}

/** Registers a brand-new account through the form; the app signs it in straight away. */
export async function registerNewUser(
  page: Page,
): Promise<{ email: string; password: string; name: string }> {
  counter += 1;
  const id = `${Date.now().toString(36)}${counter}`;
  const user = { email: `e2e-${id}@example.test`, password: "e2e-password-1", name: `Tester ${id}` };
  await page.goto("/register");
  await hydrated(page);
  await page.getByLabel("Email").fill(user.email);
  await page.getByLabel("Name").fill(user.name);
  await page.getByLabel("Password").fill(user.password);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByRole("button", { name: "Sign out", exact: true })).toBeVisible();
  return user;
}

export async function signIn(page: Page, email: string, password: string) {
  await page.goto("/signin");
  await hydrated(page);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("button", { name: "Sign out", exact: true })).toBeVisible();
}

export function firstCard(page: Page) {
  return page.getByRole("article").first();
}

export async function signOut(page: Page) {
  await Promise.all([
    page.waitForResponse((res) => res.url().endsWith("/api/auth/signout") && res.ok()),
    page.getByRole("button", { name: "Sign out", exact: true }).click(),
  ]);
  await expect(page.getByRole("link", { name: "Sign in", exact: true })).toBeVisible();
  await page.waitForURL((url) => url.pathname === "/");
}

/** playwright.config.ts creates this admin with `npm run admin -- create` before the server starts. */
export const ADMIN = { email: "admin-e2e@example.test", password: "admin-password-1", name: "Moderator" };

export async function signInAsAdmin(page: Page) {
  await signIn(page, ADMIN.email, ADMIN.password);
  await expect(page.getByRole("link", { name: "Moderation" })).toBeVisible();
}
