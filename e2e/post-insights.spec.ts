import AxeBuilder from "@axe-core/playwright";
import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { hydrated } from "./helpers";

/** The seed puts a burst of zeros on one post: it is the most rated, and its burst is held. */
async function bombedPostId(request: APIRequestContext): Promise<number> {
  const input = encodeURIComponent(JSON.stringify({ sort: "most_rated", limit: 1 }));
  const body = (await (await request.get(`/api/trpc/post.list?input=${input}`)).json()) as {
    result: { data: { items: { id: number }[] } };
  };
  return body.result.data.items[0]!.id;
}

/** Scripts the page loaded that contain Recharts (by a class name only its code spells out). */
function rechartsScripts(page: Page): string[] {
  const found: string[] = [];
  page.on("response", async (response) => {
    if (response.request().resourceType() !== "script") return;
    const body = await response.text().catch(() => "");
    if (body.includes("recharts-reference-area")) found.push(response.url());
  });
  return found;
}

/** "Dec 1, 14:00" (UTC, this year or the last) as ms. */
function tickTime(text: string): number {
  const year = new Date().getUTCFullYear();
  const t = Date.parse(`${text} ${year} UTC`.replace(",", ""));
  return t > Date.now() + 86_400_000 ? Date.parse(`${text} ${year - 1} UTC`.replace(",", "")) : t;
}

for (const viewport of [
  { width: 1280, height: 800 },
  { width: 375, height: 812 },
]) {
  test.describe(`post insights at ${viewport.width} px`, () => {
    test.use({ viewport });

    test("recent vs all time with shares, and a timeline with dated axes, a count scale, a legend and the held burst", async ({
      page,
      request,
    }) => {
      // Many steps on a shared 2-core machine: a budget, not a speed assertion.
      test.setTimeout(120_000);
      const id = await bombedPostId(request);
      const recharts = rechartsScripts(page);
      await page.goto("/");
      await hydrated(page);
      await page.waitForLoadState("networkidle");
      expect(recharts, "the list page loads no chart code").toEqual([]);

      await page.goto(`/posts/${id}`);
      await hydrated(page);

      // Breakdown: both periods summarised; each star's share, adding up to 100 %.
      const breakdown = page.getByRole("figure", { name: "Ratings by number of stars" });
      await expect(breakdown.getByText("Last 30 days", { exact: true }).first()).toBeVisible();
      await expect(breakdown.getByRole("definition").first()).toHaveText(/★ average of [\d,]+ ratings/);
      const shares = async () =>
        (await breakdown.locator(".pct").allInnerTexts()).map((t) =>
          t === "<1%" ? 0.5 : Number(t.replace("%", "")),
        );
      const all = await shares();
      expect(all).toHaveLength(6);
      expect(all.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(97);
      expect(all.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(103);
      // The burst was zeros: the 0★ row holds the largest share.
      expect(all[5]).toBe(Math.max(...all));
      const recent = breakdown.getByRole("button", { name: "Last 30 days" });
      await recent.click();
      await expect(recent).toHaveAttribute("aria-pressed", "true");
      await expect(breakdown.getByRole("table")).toHaveAccessibleName(/last 30 days/);

      // Timeline: a figure named for screen readers, with a legend.
      const timeline = page.getByRole("figure", { name: /Score over time, last 24 hours/ });
      await expect(timeline).toContainText(/ratings held in \d+ period/);
      const legend = timeline.getByRole("list", { name: "Legend" });
      for (const key of [/Displayed score/, /Ratings per window/, /Ratings held aside/, /Held period/])
        await expect(legend.getByText(key)).toBeVisible();

      // Time axis: every tick dated, earlier on the left. The chart is drawn once scrolled near.
      const plot = page.getByTestId("score-timeline");
      await plot.scrollIntoViewIfNeeded();
      const xTicks = plot.locator(".recharts-xAxis-tick-labels .recharts-cartesian-axis-tick-value");
      await expect(xTicks.first()).toBeVisible();
      const ticks = await xTicks.evaluateAll((nodes) =>
        nodes.map((n) => ({ text: n.textContent ?? "", x: n.getBoundingClientRect().x })),
      );
      expect(ticks.length).toBeGreaterThanOrEqual(2);
      for (const tick of ticks) expect(tick.text).toMatch(/^[A-Z][a-z]{2} \d{1,2}, \d{2}:\d{2}$/);
      const byX = [...ticks].sort((a, b) => a.x - b.x).map((t) => tickTime(t.text));
      expect(byX).toEqual([...byX].sort((a, b) => a - b));

      // Two scales: the score 0–5 on the left, rating counts on their own axis on the right.
      await expect(plot.locator(".recharts-yAxis-tick-labels")).toHaveCount(2);
      expect(
        await plot
          .locator(".recharts-yAxis-tick-labels")
          .first()
          .locator(".recharts-cartesian-axis-tick-value")
          .allTextContents(),
      ).toEqual(["0", "1", "2", "3", "4", "5"]);
      const counts = await plot
        .locator(".recharts-yAxis-tick-labels")
        .nth(1)
        .locator(".recharts-cartesian-axis-tick-value")
        .allTextContents();
      expect(Math.max(...counts.map(Number)), "the burst's window sets the count scale").toBeGreaterThan(5);

      // The held burst: shaded on the plot, listed in words, and in the table.
      await expect(plot.locator(".recharts-reference-area").first()).toBeVisible();
      await expect(
        timeline.getByRole("list", { name: "Held periods" }).getByRole("listitem").first(),
      ).toHaveText(/^Held: [A-Z][a-z]{2} \d{1,2}, \d{2}:\d{2}–/);
      await timeline.getByText("Show the data as a table").click();
      const table = timeline.getByRole("table", { name: /Ratings and score per window/ });
      await expect(table).toBeVisible();
      const heldCells = await table.locator("tbody tr td:nth-of-type(2)").allInnerTexts();
      expect(heldCells.some((t) => Number(t) > 100)).toBe(true);

      // Readable at any width: axis text is drawn at 12 px, not scaled down with the plot.
      const tickSize = await xTicks.first().evaluate((n) => n.getBoundingClientRect().height);
      expect(tickSize).toBeGreaterThanOrEqual(10);
      expect(recharts.length, "the post page loads the chart code").toBeGreaterThan(0);

      const axe = await new AxeBuilder({ page }).include(".stats").analyze();
      expect(axe.violations.filter((v) => v.impact === "serious" || v.impact === "critical")).toEqual([]);
      await page.screenshot({ path: `test-results/e2e/post-insights-${viewport.width}.png`, fullPage: true });
    });

    test("the post's text, breakdown and timeline figures are in its HTML; the chart loads when scrolled to", async ({
      page,
      request,
      browser,
    }) => {
      test.setTimeout(120_000);
      const id = await bombedPostId(request);
      const input = encodeURIComponent(JSON.stringify({ id }));
      const post = (
        (await (await request.get(`/api/trpc/post.byId?input=${input}`)).json()) as {
          result: { data: { title: string; score: number } };
        }
      ).result.data;

      // Without JavaScript: what the server sent is the whole page but the chart's drawing.
      const context = await browser.newContext({ javaScriptEnabled: false, viewport });
      const html = await context.newPage();
      await html.goto(`/posts/${id}`);
      await expect(html.getByRole("heading", { level: 1 })).toHaveText(post.title);
      await expect(html.locator(".panel .score-value")).toHaveText(post.score.toFixed(1));
      await expect(html.getByRole("status", { name: "Why this score is held steady" })).toContainText(
        /ratings are counted at reduced weight/,
      );
      const breakdown = html.getByRole("figure", { name: "Ratings by number of stars" });
      await expect(breakdown.getByRole("definition").first()).toHaveText(/★ average of [\d,]+ ratings/);
      const timeline = html.getByRole("figure", { name: /Score over time, last 24 hours/ });
      await expect(timeline).toContainText(/ratings held in \d+ period/);
      await expect(
        timeline.getByRole("list", { name: "Held periods" }).getByRole("listitem").first(),
      ).toHaveText(/^Held: [A-Z][a-z]{2} \d{1,2}, \d{2}:\d{2}–/);
      expect(await timeline.locator("table tbody tr").count()).toBeGreaterThan(0);
      await expect(html.locator('[aria-busy="true"]')).toHaveCount(0);
      await context.close();

      // With JavaScript, on a short screen: the chart's code waits until the plot is scrolled near.
      await page.setViewportSize({ width: viewport.width, height: 500 });
      const recharts = rechartsScripts(page);
      await page.goto(`/posts/${id}`);
      await hydrated(page);
      await page.waitForLoadState("networkidle");
      const plot = page.getByTestId("score-timeline");
      await expect(plot.locator("svg")).toHaveCount(0);
      expect(recharts, "no chart code before the plot is near the screen").toEqual([]);
      const before = await plot.boundingBox();
      await plot.scrollIntoViewIfNeeded();
      await expect(plot.locator(".recharts-line-curve")).toBeVisible();
      expect(recharts.length, "the chart code loads once scrolled to").toBeGreaterThan(0);
      // The plot's box had its final size before the chart arrived: nothing below it moved.
      expect((await plot.boundingBox())?.height).toBe(before?.height);
      // The data table beside it still opens.
      const figure = page.getByRole("figure", { name: /Score over time, last 24 hours/ });
      await figure.getByText("Show the data as a table").click();
      await expect(figure.getByRole("table", { name: /Ratings and score per window/ })).toBeVisible();
    });
  });
}
