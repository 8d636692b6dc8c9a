import { expect, test } from "@playwright/test";

test("an anonymous visitor pages through the whole list and opens a post", async ({ page }) => {
  // Three pages, a navigation and two screenshots on a shared 2-core machine: a budget, not a speed assertion.
  test.setTimeout(90_000);
  await page.goto("/");
  const cards = page.getByRole("article");
  await expect(cards).toHaveCount(20);
  // The first page is server-rendered: it is in the HTML before any script runs.
  const html = await (await page.request.get("/")).text();
  expect(html).toContain((await cards.first().getByRole("heading").innerText()).trim());

  while (await page.getByRole("button", { name: "Load more" }).isVisible()) {
    const before = await cards.count();
    await page.getByRole("button", { name: "Load more" }).click();
    await expect.poll(() => cards.count()).toBeGreaterThan(before);
  }
  const titles = await cards.getByRole("heading").allInnerTexts();
  expect(titles.length).toBeGreaterThanOrEqual(45);
  await expect(page.getByText(/That’s all \d+ posts/)).toBeVisible();
  const ids = await cards.locator("h2 a").evaluateAll((links) => links.map((a) => a.getAttribute("href")));
  expect(new Set(ids).size).toBe(ids.length);

  await page.screenshot({ path: "test-results/e2e/list.png" });
  const title = titles[3]!;
  await cards.nth(3).getByRole("link", { name: title }).click();
  await expect(page.getByRole("heading", { level: 1, name: title })).toBeVisible();
  await expect(page.getByTestId("word-count")).toHaveText(/\d+/);
  await expect(page.getByTestId("avg-word-length")).toHaveText(/\d+\.\d letters/);
  await page.screenshot({ path: "test-results/e2e/post.png", fullPage: true });
});

test("sorting and search live in the URL", async ({ page }) => {
  await page.goto("/");
  await page.getByRole("link", { name: "Most rated" }).click();
  await expect(page).toHaveURL(/sort=most_rated/);
  await page.getByLabel("Search titles").fill("zzz-no-such-title");
  await page.getByRole("button", { name: "Search" }).click();
  await expect(page).toHaveURL(/q=zzz-no-such-title/);
  await expect(page.getByText("No post title matches")).toBeVisible();
});

test("an unknown post shows the not-found page with status 404", async ({ page }) => {
  const response = await page.goto("/posts/1999999999");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Not found" })).toBeVisible();
});

test("a phone-sized screen shows the list without horizontal scrolling", async ({ page }) => {
  await page.setViewportSize({ width: 375, height: 740 });
  await page.goto("/");
  await expect(page.getByRole("article").first()).toBeVisible();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await page.screenshot({ path: "test-results/e2e/list-phone.png" });
});

test("follows the system's dark or light color scheme", async ({ page }) => {
  const background = async (scheme: "light" | "dark") => {
    await page.emulateMedia({ colorScheme: scheme });
    await page.goto("/");
    return page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  };
  const light = await background("light");
  const dark = await background("dark");
  expect(light).toBe("rgb(247, 247, 245)");
  expect(dark).toBe("rgb(18, 18, 20)");
  await page.screenshot({ path: "test-results/e2e/list-dark.png" });
});
