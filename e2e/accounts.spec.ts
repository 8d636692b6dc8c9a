import { expect, test, type Page } from "@playwright/test";
import { hydrated, registerNewUser, signIn, signOut } from "./helpers";
import { latestMail, linkIn, mailCount } from "./mail";

// Every flow at desktop width and at 375 px. Mail goes through a real SMTP server (e2e/support/mail-sink.ts).
const VIEWPORTS = [
  { name: "desktop", size: { width: 1280, height: 800 } },
  { name: "375 px", size: { width: 375, height: 740 } },
];

async function openLink(page: Page, link: string) {
  await page.goto(link);
  await hydrated(page);
}

async function confirmFromMail(page: Page, email: string) {
  await openLink(page, linkIn(await latestMail(email, /Confirm your email/)));
  await page.getByRole("button", { name: "Confirm my email" }).click();
  await expect(page.getByRole("status")).toContainText(`${email} is confirmed`);
}

async function openSettings(page: Page) {
  await page.getByRole("link", { name: "Settings" }).click();
  await expect(page.getByRole("heading", { name: "Settings" })).toBeVisible();
  await hydrated(page);
}

for (const viewport of VIEWPORTS) {
  test.describe(`accounts (${viewport.name})`, () => {
    test.use({ viewport: viewport.size });
    // Each flow registers, signs in from a second browser, and waits for mail and several password
    // hashes (argon2id): on a loaded two-core machine one flow took 90 s.
    test.describe.configure({ timeout: 180_000 });

    test("a new account confirms its email from the mailed link, once", async ({ page }) => {
      const user = await registerNewUser(page);
      await openSettings(page);
      await expect(page.getByText("not verified")).toBeVisible();
      const link = linkIn(await latestMail(user.email, /Confirm your email/));
      expect(link).toMatch(/^\/verify-email#token=\d+\./);
      await confirmFromMail(page, user.email);
      await openSettings(page);
      await expect(page.getByText("verified", { exact: true })).toBeVisible();
      // The same link a second time is refused.
      await openLink(page, link);
      await page.getByRole("button", { name: "Confirm my email" }).click();
      await expect(page.getByText("invalid, was already used or has expired")).toBeVisible();
    });

    test("forgot password: the same answer for any address, a link that resets once and ends sessions", async ({
      page,
      browser,
    }) => {
      const user = await registerNewUser(page);
      await signOut(page);
      // A second browser signed in as the same account: the reset must sign it out.
      const other = await browser.newContext({ viewport: viewport.size });
      const otherPage = await other.newPage();
      await signIn(otherPage, user.email, user.password);

      await page.getByRole("link", { name: "Sign in", exact: true }).click();
      await hydrated(page);
      await page.getByRole("link", { name: "Forgot password?" }).click();
      // A client-side navigation: the sign-in form, with its own Email field, is on screen until then.
      await expect(page.getByRole("heading", { name: "Forgot your password?" })).toBeVisible();
      await hydrated(page);
      await page.getByLabel("Email").fill(`nobody-${Date.now()}@example.test`);
      await page.getByRole("button", { name: "Send reset link" }).click();
      const answer = await page.getByRole("status").innerText();
      expect(answer).toContain("If an account uses this address");

      await page.goto("/forgot-password");
      await hydrated(page);
      await page.getByLabel("Email").fill(user.email);
      await page.getByRole("button", { name: "Send reset link" }).click();
      await expect(page.getByRole("status")).toHaveText(answer);

      const link = linkIn(await latestMail(user.email, /Reset your steadystar password/));
      await openLink(page, link);
      await page.getByLabel("New password", { exact: true }).fill("a brand new password");
      await page.getByLabel("Repeat the new password").fill("a different one");
      await page.getByRole("button", { name: "Set new password" }).click();
      await expect(page.getByText("the two passwords differ")).toBeVisible();
      await page.getByLabel("Repeat the new password").fill("a brand new password");
      await page.getByRole("button", { name: "Set new password" }).click();
      await expect(page.getByRole("status")).toContainText("Your password is reset");

      await signIn(page, user.email, "a brand new password");
      await otherPage.reload();
      await expect(otherPage.getByRole("link", { name: "Sign in", exact: true })).toBeVisible();
      await other.close();

      // The link works once.
      await openLink(page, link);
      await page.getByLabel("New password", { exact: true }).fill("yet another password");
      await page.getByLabel("Repeat the new password").fill("yet another password");
      await page.getByRole("button", { name: "Set new password" }).click();
      await expect(page.getByText("invalid, was already used or has expired")).toBeVisible();
    });

    test("settings: display name, password (ends other sessions) and email (re-verified)", async ({
      page,
      browser,
    }) => {
      const user = await registerNewUser(page);
      const other = await browser.newContext({ viewport: viewport.size });
      const otherPage = await other.newPage();
      await signIn(otherPage, user.email, user.password);

      await openSettings(page);
      await page.getByLabel("Display name").fill("Renamed Tester");
      await page.getByRole("button", { name: "Save name" }).click();
      await expect(page.getByText("Saved: you are now “Renamed Tester”.")).toBeVisible();
      await expect(page.locator(".who")).toHaveText("Renamed Tester");

      await page.getByLabel("Current password").fill("not my password");
      await page.getByLabel("New password").fill("changed password 1");
      await page.getByRole("button", { name: "Change password" }).click();
      await expect(page.getByText("this is not your current password")).toBeVisible();
      await page.getByLabel("Current password").fill(user.password);
      await page.getByRole("button", { name: "Change password" }).click();
      await expect(page.getByText("Password changed. Your other sessions have ended.")).toBeVisible();
      // This browser stays signed in; the other one is signed out.
      await page.reload();
      await expect(page.getByRole("button", { name: "Sign out", exact: true })).toBeVisible();
      await otherPage.reload();
      await expect(otherPage.getByRole("link", { name: "Sign in", exact: true })).toBeVisible();
      await other.close();

      const newEmail = `moved-${Date.now().toString(36)}-${viewport.size.width}@example.test`;
      await hydrated(page);
      await page.getByLabel("New email").fill(newEmail);
      await page.getByLabel("Your password").fill("changed password 1");
      await page.getByRole("button", { name: "Change email" }).click();
      await expect(page.getByText(`Follow the link we mailed to ${newEmail}`)).toBeVisible();
      await confirmFromMail(page, newEmail);
      await signOut(page);
      await signIn(page, newEmail, "changed password 1");
      await openSettings(page);
      await expect(page.getByText(newEmail)).toBeVisible();
      await page.getByRole("link", { name: "Manage API tokens" }).click();
      await expect(page.getByRole("heading", { name: "API tokens" })).toBeVisible();
    });
  });
}

test("a resend sends a fresh link and the older one stops working", async ({ page }) => {
  const user = await registerNewUser(page);
  const first = linkIn(await latestMail(user.email, /Confirm your email/));
  const count = mailCount(user.email);
  await openSettings(page);
  await page.getByRole("button", { name: "Resend the confirmation link" }).click();
  await expect(page.getByText(`A new confirmation link is on its way to ${user.email}`)).toBeVisible();
  const second = linkIn(await latestMail(user.email, /Confirm your email/, count));
  expect(second).not.toBe(first);
  await openLink(page, first);
  await page.getByRole("button", { name: "Confirm my email" }).click();
  await expect(page.getByText("invalid, was already used or has expired")).toBeVisible();
  await confirmFromMail(page, user.email);
});
