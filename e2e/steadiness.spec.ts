import { expect, test } from "@playwright/test";
import { hydrated } from "./helpers";

test("a bombed post says why its score is held steady and can show all ratings", async ({
  page,
  request,
}) => {
  // The seed puts a burst of zeros on one post: it is the most rated.
  const response = await request.get(
    `/api/trpc/post.list?input=${encodeURIComponent(JSON.stringify({ sort: "most_rated", limit: 1 }))}`,
  );
  const body = (await response.json()) as { result: { data: { items: { id: number; score: number }[] } } };
  const post = body.result.data.items[0]!;

  await page.goto(`/posts/${post.id}`);
  await hydrated(page);
  const banner = page.getByRole("status", { name: "Why this score is held steady" });
  await expect(banner).toContainText(/\d+ recent ratings are counted at reduced weight/);
  await expect(banner).toContainText("averaging 0.0 stars");
  const steady = await page.locator(".panel .score-value").innerText();
  expect(Number(steady)).toBeGreaterThan(2.5);

  await banner.getByRole("button", { name: /Include all ratings/ }).click();
  await expect(banner.getByRole("button", { name: "Show the steady score" })).toHaveAttribute(
    "aria-pressed",
    "true",
  );
  const all = await page.locator(".panel .score-value").innerText();
  expect(Number(all)).toBeLessThan(Number(steady) - 0.5);

  await expect(page.getByRole("figure", { name: "Ratings by number of stars" })).toBeVisible();
  await expect(page.getByRole("figure", { name: /Score over time/ })).toBeVisible();
  await page.screenshot({ path: "test-results/e2e/post-held.png", fullPage: true });
});
