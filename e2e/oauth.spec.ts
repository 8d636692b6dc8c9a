import { expect, test, type Page } from "@playwright/test";
import { hydrated, registerNewUser, signOut } from "./helpers";
import { latestMail, linkIn } from "./mail";

// Sign-in through a real OpenID Connect issuer (oidc-provider, e2e/support/oidc-issuer.ts), configured
// exactly as GitHub and Google are: by environment variables (OIDC_ISSUER, OIDC_CLIENT_ID, …).
const VIEWPORTS = [
  { name: "desktop", size: { width: 1280, height: 800 } },
  { name: "375 px", size: { width: 375, height: 740 } },
];

let counter = 0;
function uniqueLogin(prefix = "oidc") {
  counter += 1;
  return `${prefix}-${Date.now().toString(36)}${counter}@example.test`;
}

/** From our sign-in page through the issuer's login and consent pages, back to the app. */
async function signInAtIssuer(page: Page, login: string) {
  // Each sign-in starts with no session at the issuer, as on a new device: the issuer remembers a
  // login (even one the app then refused) and would otherwise skip its form. Its cookies are the
  // ones named _session… and _interaction…; the app's are next-auth.*.
  await page.context().clearCookies({ name: /^_(session|interaction)/ });
  await page.goto("/signin");
  await hydrated(page);
  await page.getByRole("button", { name: "Test OIDC" }).click();
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill("any password");
  await page.getByRole("button", { name: "Sign-in" }).click();
  await page.getByRole("button", { name: "Continue" }).click();
}

for (const viewport of VIEWPORTS) {
  test.describe(`OAuth sign-in (${viewport.name})`, () => {
    test.use({ viewport: viewport.size });
    // Each sign-in is several round trips between the browser, the app and the issuer.
    test.slow();

    test("a new identity gets a verified account without a password", async ({ page, browser }) => {
      const login = uniqueLogin();
      await signInAtIssuer(page, login);
      await expect(page.getByRole("button", { name: "Sign out", exact: true })).toBeVisible();
      await page.getByRole("link", { name: "Settings" }).click();
      await hydrated(page);
      await expect(page.getByText(login)).toBeVisible();
      await expect(page.getByText("verified", { exact: true })).toBeVisible();
      await expect(page.getByText("You sign in with oidc")).toBeVisible();
      // Another browser (no session at the issuer either) signing in again reaches the same account.
      await signOut(page);
      const other = await browser.newContext({ viewport: viewport.size });
      const otherPage = await other.newPage();
      await signInAtIssuer(otherPage, login);
      await otherPage.getByRole("link", { name: "Settings" }).click();
      await expect(otherPage.getByText(login)).toBeVisible();
      await other.close();
    });

    test("an identity joins an existing account only through a verified email", async ({ page }) => {
      const user = await registerNewUser(page);
      await signOut(page);
      // Not verified yet: refused, and nothing links.
      await signInAtIssuer(page, user.email);
      await expect(page).toHaveURL(/\/signin\?error=OAuthLinkUnverified/);
      await expect(page.getByText("An account with this email already exists")).toBeVisible();

      await page.goto(linkIn(await latestMail(user.email, /Confirm your email/)));
      await hydrated(page);
      await page.getByRole("button", { name: "Confirm my email" }).click();
      await expect(page.getByRole("status")).toContainText("is confirmed");
      await signInAtIssuer(page, user.email);
      await expect(page.getByRole("button", { name: "Sign out", exact: true })).toBeVisible();
      await expect(page.locator(".who")).toHaveText(user.name);
      await page.getByRole("link", { name: "Settings" }).click();
      await hydrated(page);
      await expect(page.getByLabel("Display name")).toHaveValue(user.name);
    });

    test("an email the provider does not vouch for is refused", async ({ page }) => {
      await signInAtIssuer(page, uniqueLogin("unverified"));
      await expect(page).toHaveURL(/\/signin\?error=OAuthEmailUnverified/);
      await expect(page.getByText("The provider did not confirm an email address")).toBeVisible();
      await expect(page.getByRole("link", { name: "Sign in", exact: true })).toBeVisible();
    });
  });
}
