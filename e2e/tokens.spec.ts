import { expect, test } from "@playwright/test";
import { hydrated, registerNewUser } from "./helpers";

// The tokens page as a user meets it, at desktop width and at phone width.
for (const viewport of [
  { width: 1280, height: 800 },
  { width: 375, height: 812 },
]) {
  test.describe(`tokens page at ${viewport.width} px`, () => {
    test.use({ viewport });

    test("copy says Copied, times are shown, a duplicate name is refused on the field, revoke asks first", async ({
      page,
      context,
      baseURL,
    }) => {
      // Many steps on a shared 2-core machine: a budget, not a speed assertion.
      test.setTimeout(120_000);
      await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: baseURL });
      await registerNewUser(page);
      await page.goto("/settings/tokens");
      await hydrated(page);
      const name = page.getByLabel("Token name");

      await name.fill("deploy");
      await page.getByRole("button", { name: "Create token" }).click();
      const token = await page.getByTestId("new-token").innerText();
      expect(token).toMatch(/^ss_/);
      const copy = page.getByRole("button", { name: "Copy", exact: true });
      await copy.click();
      await expect(page.getByRole("button", { name: "Copied ✓" })).toBeVisible();
      await expect(page.getByText("Copied to the clipboard.")).toBeVisible();
      expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(token);

      // Created: a date and a time (UTC), not a bare date.
      const row = page.getByRole("row", { name: /deploy/ });
      await expect(row.getByRole("cell").nth(2)).toHaveText(/^[A-Z][a-z]{2} \d{1,2}, \d{4}, \d{2}:\d{2}$/);

      // The same name again (in other case) is refused by the server, on the name field.
      await name.fill("Deploy");
      await page.getByRole("button", { name: "Create token" }).click();
      await expect(name).toHaveAttribute("aria-invalid", "true");
      await expect(page.locator("#name-error")).toHaveText(/already have an active token named “Deploy”/);
      await expect(page.getByRole("row", { name: /deploy/i })).toHaveCount(1);

      // Revoke asks; "Keep it" keeps the token, "Yes, revoke" removes it.
      await page.getByRole("button", { name: "Revoke deploy" }).click();
      const dialog = page.getByRole("alertdialog", { name: /Revoke “deploy”\?/ });
      await expect(dialog).toBeVisible();
      await expect(dialog.getByRole("button", { name: "Keep it" })).toBeFocused();
      await dialog.getByRole("button", { name: "Keep it" }).click();
      await expect(dialog).toHaveCount(0);
      await expect(row).toBeVisible();
      await page.getByRole("button", { name: "Revoke deploy" }).click();
      await dialog.getByRole("button", { name: "Yes, revoke" }).click();
      await expect(page.getByText("No tokens yet.")).toBeVisible();
      await page.screenshot({ path: `test-results/e2e/tokens-${viewport.width}.png`, fullPage: true });
    });
  });
}
