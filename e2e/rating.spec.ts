import { expect, test } from "@playwright/test";
import { firstCard, hydrated, registerNewUser, signIn, signOut } from "./helpers";

function countOf(text: string): number {
  const match = /(\d+(?:\.\d+)?)(k?) ratings?/.exec(text);
  if (!match) return 0;
  return Math.round(Number(match[1]) * (match[2] ? 1000 : 1));
}

test("sign up, sign in, rate, reload: the rating and count persist; changing it keeps the count", async ({
  page,
}) => {
  const user = await registerNewUser(page);
  await signOut(page);
  await signIn(page, user.email, user.password);

  await page.goto("/");

  await hydrated(page);
  const card = firstCard(page);
  const countText = () => card.locator(".count").innerText();
  const before = countOf(await countText());

  await card.getByRole("radio", { name: "4 stars" }).click();
  await expect(card.getByRole("radio", { name: "4 stars" })).toHaveAttribute("aria-checked", "true");
  await expect.poll(async () => countOf(await countText())).toBe(before + 1);

  await page.reload();

  await hydrated(page);
  await expect(firstCard(page).getByRole("radio", { name: "4 stars" })).toHaveAttribute(
    "aria-checked",
    "true",
  );
  expect(countOf(await firstCard(page).locator(".count").innerText())).toBe(before + 1);

  await firstCard(page).getByRole("radio", { name: "1 star" }).click();
  await expect(firstCard(page).getByRole("radio", { name: "1 star" })).toHaveAttribute(
    "aria-checked",
    "true",
  );
  await page.reload();
  await hydrated(page);
  await expect(firstCard(page).getByRole("radio", { name: "1 star" })).toHaveAttribute(
    "aria-checked",
    "true",
  );
  expect(countOf(await firstCard(page).locator(".count").innerText())).toBe(before + 1);
});

test("rating while signed out asks to sign in", async ({ page }) => {
  await page.goto("/");
  await hydrated(page);
  const card = firstCard(page);
  await expect(card.getByRole("radio", { name: "3 stars" })).toBeDisabled();
  await card.getByRole("link", { name: "Sign in to rate" }).click();
  await expect(page).toHaveURL(/\/signin/);
  await expect(page.getByLabel("Email")).toBeVisible();
});

test("keyboard only: arrows move, Enter rates", async ({ page }) => {
  await registerNewUser(page);
  await page.goto("/");
  await hydrated(page);
  const card = firstCard(page);
  await card.getByRole("radio", { name: "0 stars" }).focus();
  await page.keyboard.press("ArrowRight");
  await page.keyboard.press("ArrowRight");
  await expect(card.getByRole("radio", { name: "2 stars" })).toBeFocused();
  // Moving the focus alone does not rate.
  await expect(card.getByRole("radio", { name: "2 stars" })).toHaveAttribute("aria-checked", "false");
  await page.keyboard.press("Enter");
  await expect(card.getByRole("radio", { name: "2 stars" })).toHaveAttribute("aria-checked", "true");
  await page.keyboard.press("ArrowRight");
  await page.keyboard.press("Space");
  await expect(card.getByRole("radio", { name: "3 stars" })).toHaveAttribute("aria-checked", "true");
  await page.reload();
  await hydrated(page);
  await expect(firstCard(page).getByRole("radio", { name: "3 stars" })).toHaveAttribute(
    "aria-checked",
    "true",
  );
});

test("a refused rating (429) shows when to retry and rolls the stars back", async ({ page }) => {
  await registerNewUser(page);
  await page.goto("/");
  await hydrated(page);
  const card = firstCard(page);
  await page.route("**/api/trpc/rating.submit**", (route) =>
    route.fulfill({
      status: 429,
      contentType: "application/json",
      headers: { "retry-after": "17" },
      body: JSON.stringify([
        {
          error: {
            message: "Too many ratings: try again in 17 seconds",
            code: -32029,
            data: { code: "TOO_MANY_REQUESTS", httpStatus: 429 },
          },
        },
      ]),
    }),
  );
  await card.getByRole("radio", { name: "5 stars" }).click();
  await expect(card.getByRole("alert")).toContainText("try again in 17 seconds");
  await expect(card.getByRole("radio", { name: "5 stars" })).toHaveAttribute("aria-checked", "false");
});
