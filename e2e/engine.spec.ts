import { expect, test } from "@playwright/test";
import { hydrated, registerNewUser, signInAsAdmin, signOut } from "./helpers";

test("an admin sees the engine: fold lag, last fold, held posts with their rule, limiter and configuration", async ({
  page,
}) => {
  await signInAsAdmin(page);
  await page.getByRole("link", { name: "Engine" }).click();
  await hydrated(page);
  await expect(page.getByRole("heading", { name: "Engine", level: 1 })).toBeVisible();
  await expect(page.getByText("Pending ratings")).toBeVisible();
  // The seed folded its ratings: that run is on the chart and is the last fold.
  await expect(page.locator("figure.chart .recharts-line-curve")).toBeVisible();
  await expect(page.getByRole("heading", { name: "Last fold" })).toBeVisible();
  await expect(page.getByText("Ratings folded")).toBeVisible();
  // The seeded bomb is held: the first held row says which rule held it.
  const held = page.getByRole("row").nth(1);
  await expect(held).toContainText(/burst: \d+× normal volume, mean \d\.\d/);
  await expect(page.getByText("Rating window")).toBeVisible();
  await expect(page.getByText(/rating\.user/)).toBeVisible();
});

test("the engine page is for admins only", async ({ page }) => {
  await registerNewUser(page);
  await page.goto("/admin/engine");
  await expect(page.getByRole("heading", { name: "Admins only" })).toBeVisible();
  await expect(page.getByText("Pending ratings")).toHaveCount(0);
  await signOut(page);
  await page.goto("/admin/engine");
  await page.waitForURL(/\/signin/);
});
