import { execFile } from "node:child_process";
import { promisify } from "node:util";
import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import { firstCard, hydrated, registerNewUser, signInAsAdmin, signOut } from "./helpers";

const run = promisify(execFile);

const VIEWPORTS = { desktop: { width: 1280, height: 800 }, phone: { width: 375, height: 812 } };

/** Publishes a post through the form and returns its id (the page is left on the post). */
async function publish(
  page: Page,
  title: string,
  content = "Words for a post written by an e2e test.",
): Promise<number> {
  await page.goto("/posts/new");
  await hydrated(page);
  await page.getByLabel("Title").fill(title);
  await page.getByLabel("Content").fill(content);
  await page.getByRole("button", { name: "Publish" }).click();
  await page.waitForURL(/\/posts\/\d+$/);
  await hydrated(page);
  return Number(page.url().split("/").at(-1));
}

function ratingPanel(page: Page) {
  return page.getByRole("region", { name: "Rating", exact: true });
}

for (const [name, viewport] of Object.entries(VIEWPORTS)) {
  test.describe(`${name} (${viewport.width}px)`, () => {
    // Each test registers, publishes and signs in through the UI on a busy machine.
    test.describe.configure({ timeout: 90_000 });
    test.use({ viewport });

    test("a failed Load more keeps the posts shown and offers a retry", async ({ page }) => {
      await page.goto("/");
      await hydrated(page);
      const cards = page.getByRole("article");
      const shown = await cards.count();
      expect(shown).toBeGreaterThan(0);
      const failing = (url: URL) => url.pathname.includes("post.list") && url.search.includes("cursor");
      await page.route(failing, (route) => route.abort());
      await page.getByRole("button", { name: "Load more" }).click();
      await expect(page.getByText("More posts could not be loaded")).toBeVisible();
      await expect(cards).toHaveCount(shown);
      await page.unroute(failing);
      await page.getByRole("button", { name: "Try again" }).click();
      await expect.poll(() => cards.count()).toBeGreaterThan(shown);
    });

    test("a rating is shown as taken at once: own rating, live count, and when the score moves", async ({
      page,
    }) => {
      await registerNewUser(page);
      await publish(page, `Fresh post ${Date.now()}`);
      const panel = ratingPanel(page);
      await expect(panel).toContainText("Not rated yet");
      await panel.getByRole("radio", { name: "4 stars" }).click();
      await expect(panel.getByRole("radio", { name: "4 stars" })).toHaveAttribute("aria-checked", "true");
      await expect(panel).toContainText("1 rating");
      await expect(panel).toContainText("Score pending");
      await expect(panel).not.toContainText("Not rated yet");
      await expect(panel).toContainText("You rated 4");
      await expect(panel).toContainText("within a minute");
    });

    test("clearing one's own rating (a 0 is a rating) drops the count and persists", async ({ page }) => {
      await registerNewUser(page);
      await publish(page, `Clear me ${Date.now()}`);
      const panel = ratingPanel(page);
      await panel.getByRole("radio", { name: "0 stars" }).click();
      await expect(panel).toContainText("You rated 0");
      await expect(panel).toContainText("1 rating");
      await panel.getByRole("button", { name: "Clear my rating" }).click();
      await expect(panel).toContainText("Your rating was cleared");
      await expect(panel).toContainText("No ratings");
      await expect(panel.getByRole("radio", { checked: true })).toHaveCount(0);
      await page.reload();
      await hydrated(page);
      await expect(ratingPanel(page)).toContainText("No ratings");
      await expect(ratingPanel(page).getByRole("radio", { checked: true })).toHaveCount(0);
    });

    test("sign-in and register submitted before hydration never put the password in a URL", async ({
      browser,
    }) => {
      const context = await browser.newContext({ javaScriptEnabled: false, viewport });
      const page = await context.newPage();
      const urls: string[] = [];
      page.on("request", (request) => urls.push(request.url()));
      for (const [path, button] of [
        ["/signin", "Sign in"],
        ["/register", "Create account"],
      ] as const) {
        await page.goto(path);
        await page.getByLabel("Email").fill("nojs@example.test");
        if (path === "/register") await page.getByLabel("Name").fill("No Script");
        await page.getByLabel("Password").fill("secret-password-1");
        await Promise.all([
          page.waitForLoadState("load"),
          page.getByRole("button", { name: button }).click(),
        ]);
      }
      expect(urls.filter((url) => url.includes("password"))).toEqual([]);
      await context.close();
    });

    test("the author edits and, after confirming, deletes their post", async ({ page }) => {
      await registerNewUser(page);
      const id = await publish(page, `Editable ${Date.now()}`);
      await page.getByRole("button", { name: "Edit" }).click();
      await page.getByLabel("Title").fill("Edited title");
      await page.getByRole("button", { name: "Save changes" }).click();
      await expect(page.getByRole("heading", { level: 1 })).toHaveText("Edited title");

      await page.getByRole("button", { name: "Delete" }).click();
      await expect(page.getByRole("alertdialog")).toContainText("cannot be undone");
      await page.getByRole("button", { name: "Keep it" }).click();
      await expect(page.getByRole("heading", { level: 1 })).toHaveText("Edited title");
      await page.getByRole("button", { name: "Delete" }).click();
      await page.getByRole("button", { name: "Yes, delete it" }).click();
      await page.waitForURL((url) => url.pathname === "/");
      const gone = await page.goto(`/posts/${id}`);
      expect(gone?.status()).toBe(404);
    });

    test("a moderator hides a post: others get 404, the moderator can show it again", async ({
      page,
      browser,
    }) => {
      await registerNewUser(page);
      const id = await publish(page, `Hide me ${Date.now()}`);
      await signOut(page);
      await signInAsAdmin(page);
      await page.goto(`/posts/${id}`);
      await hydrated(page);
      await page.getByRole("button", { name: "Hide post" }).click();
      await expect(page.getByText("only moderators see this post")).toBeVisible();
      const anonymous = await browser.newContext({ viewport });
      expect((await (await anonymous.newPage()).goto(`/posts/${id}`))?.status()).toBe(404);
      await anonymous.close();
      await page.getByRole("button", { name: "Show post again" }).click();
      await expect(page.getByRole("button", { name: "Hide post" })).toBeVisible();
    });

    test("authors link to profiles; /me lists my ratings, each linking to the post", async ({ page }) => {
      const user = await registerNewUser(page);
      const title = `Profile post ${Date.now()}`;
      const id = await publish(page, title);
      await ratingPanel(page).getByRole("radio", { name: "5 stars" }).click();
      await expect(ratingPanel(page)).toContainText("You rated 5");
      // The byline's author link (the header's own link is named "My page (…)").
      await page.getByRole("link", { name: user.name, exact: true }).first().click();
      await expect(page).toHaveURL(/\/users\/\d+$/);
      await expect(page.getByRole("heading", { level: 1 })).toHaveText(user.name);
      await expect(page.getByRole("link", { name: title }).first()).toBeVisible();

      await page.goto("/me");
      const mine = page.getByRole("region", { name: "My ratings" });
      await expect(mine).toContainText("rated 5 of 5");
      await mine.getByRole("link", { name: title }).click();
      await expect(page).toHaveURL(new RegExp(`/posts/${id}$`));
    });

    test("a post page has its own title, description and share tags, and a share button", async ({
      page,
    }) => {
      await page.goto("/");
      await hydrated(page);
      const link = firstCard(page).getByRole("heading").getByRole("link");
      const title = (await link.innerText()).trim();
      await link.click();
      await hydrated(page);
      await expect(page).toHaveTitle(`${title} · steadystar`);
      await expect(page.locator('meta[property="og:title"]')).toHaveAttribute(
        "content",
        `${title} · steadystar`,
      );
      await expect(page.locator('meta[name="twitter:card"]')).toHaveAttribute("content", "summary");
      await expect(page.locator('meta[name="description"]')).toHaveAttribute("content", /.+/);
      await expect(page.getByRole("button", { name: "Share" })).toBeVisible();
    });

    test("a post page refreshes its count without a reload", async ({ page, browser }) => {
      test.setTimeout(90_000);
      await registerNewUser(page);
      const id = await publish(page, `Live ${Date.now()}`);
      await expect(ratingPanel(page)).toContainText("No ratings");

      const other = await browser.newContext({ viewport });
      const second = await other.newPage();
      await registerNewUser(second);
      await second.goto(`/posts/${id}`);
      await hydrated(second);
      await ratingPanel(second).getByRole("radio", { name: "3 stars" }).click();
      await expect(ratingPanel(second)).toContainText("1 rating");
      await other.close();

      await expect(ratingPanel(page)).toContainText("1 rating", { timeout: 40_000 });
    });

    test("after npm run admin -- grant, the open session shows the admin links without a new sign-in", async ({
      page,
    }) => {
      // On embedded PGlite the command cannot open the directory the running server holds.
      test.skip(!process.env.E2E_DATABASE_URL, "needs E2E_DATABASE_URL (the admin command's database)");
      const user = await registerNewUser(page);
      await expect(page.getByRole("link", { name: "Moderation" })).toHaveCount(0);
      await run("npm", ["run", "admin", "--", "grant", user.email], {
        env: { ...process.env, DATABASE_URL: process.env.E2E_DATABASE_URL },
      });
      await page.reload();
      await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
      await page.getByRole("link", { name: "Moderation" }).click();
      await expect(page.getByRole("heading", { level: 1 })).toHaveText("Moderation");
    });

    test("counts read in the right number: 1 rating, 1 star", async ({ page }) => {
      // The histogram shows what the fold (every minute) has counted; the page refreshes by itself.
      test.setTimeout(150_000);
      await registerNewUser(page);
      await publish(page, `Plural ${Date.now()}`);
      await ratingPanel(page).getByRole("radio", { name: "1 star", exact: true }).click();
      await expect(ratingPanel(page)).toContainText("1 rating");
      await expect(ratingPanel(page)).not.toContainText("1 ratings");
      const histogram = page.getByRole("figure", { name: "Ratings by number of stars" });
      await expect(histogram).toContainText("1 rating counted", { timeout: 100_000 });
      await expect(histogram).toContainText("average of 1 rating");
      await expect(histogram.getByRole("rowheader", { name: /^1★/ })).toHaveText("1★ (1 star)");
      await expect(histogram).not.toContainText("1 stars");
      await expect(histogram.getByRole("rowheader", { name: /^5★/ })).toHaveText("5★ (5 stars)");
    });

    test("a refused form puts the focus on its first invalid field", async ({ page }) => {
      await page.goto("/register");
      await hydrated(page);
      const submit = page.getByRole("button", { name: "Create account" });
      await submit.click();
      await expect(page.getByLabel("Email")).toBeFocused();
      await page.getByLabel("Email").fill(`focus-${Date.now()}@example.test`);
      await submit.click();
      await expect(page.getByLabel("Name")).toBeFocused();
      await expect(page.getByLabel("Name")).toHaveAttribute("aria-invalid", "true");
      // A refusal by the server (the email is taken) lands on its field too.
      await page.getByLabel("Email").fill("admin-e2e@example.test");
      await page.getByLabel("Name").fill("Focus Tester");
      await page.getByLabel("Password").fill("focus-password-1");
      await submit.click();
      await expect(page.getByText("an account with this email already exists")).toBeVisible();
      await expect(page.getByLabel("Email")).toBeFocused();
    });

    test("signed in, /signin and /register lead on instead of showing their forms", async ({ page }) => {
      await registerNewUser(page);
      await page.goto("/register");
      await expect(page).toHaveURL((url) => url.pathname === "/");
      await page.goto("/signin?callbackUrl=%2Fme");
      await expect(page).toHaveURL((url) => url.pathname === "/me");
      await expect(page.getByLabel("Password")).toHaveCount(0);
    });

    test("pointing at a star previews the rating; leaving restores it", async ({ page }) => {
      await registerNewUser(page);
      await publish(page, `Preview ${Date.now()}`);
      const stars = ratingPanel(page).getByRole("radiogroup", { name: "Your rating" });
      const star = (n: number) => stars.getByRole("radio", { name: n === 1 ? "1 star" : `${n} stars` });
      await star(3).hover();
      for (const n of [1, 2, 3]) await expect(star(n)).toHaveClass(/\blit\b/);
      for (const n of [4, 5]) await expect(star(n)).not.toHaveClass(/\blit\b/);
      await page.mouse.move(0, 0);
      for (const n of [1, 2, 3, 4, 5]) await expect(star(n)).not.toHaveClass(/\blit\b/);
      await expect(stars.getByRole("radio", { checked: true })).toHaveCount(0);
    });

    test("a locked post with no held burst is listed on the moderation page, and unlocks there", async ({
      page,
    }) => {
      await signInAsAdmin(page);
      const title = `Locked calm ${Date.now()}`;
      const id = await publish(page, title);
      await page.getByRole("button", { name: "Lock ratings" }).click();
      await expect(page.getByRole("button", { name: "Unlock ratings" })).toBeVisible();
      await page.goto("/admin/moderation");
      await hydrated(page);
      const row = page.getByRole("row").filter({ has: page.getByRole("link", { name: title }) });
      await expect(row).toBeVisible();
      await row.getByRole("button", { name: "Unlock" }).click();
      await expect(row).toHaveCount(0);
      await page.goto(`/posts/${id}`);
      await expect(page.getByRole("button", { name: "Lock ratings" })).toBeVisible();
    });

    test("without JavaScript the list shows its server-rendered first page", async ({ browser }) => {
      const context = await browser.newContext({ javaScriptEnabled: false, viewport });
      const page = await context.newPage();
      await page.goto("/");
      await expect(page.getByRole("article").first()).toBeVisible();
      await expect(page.locator('[aria-busy="true"]')).toHaveCount(0);
      // Every card of the first page is in place, not only the first screenful: the cards are
      // hydration boundaries, and the server must write each one where it belongs (a Suspense
      // boundary past the first ~12 KB is written at the end, hidden, for a script to move).
      const cards = page.getByRole("article");
      await expect(cards).toHaveCount(20);
      const last = cards.last();
      await last.scrollIntoViewIfNeeded();
      await expect(last).toBeVisible();
      await expect(last.getByRole("heading").getByRole("link")).toBeVisible();
      await expect(last.getByRole("link", { name: /./ }).nth(1)).toHaveAttribute("href", /^\/users\/\d+$/);
      await expect(last.locator(".score")).toBeVisible();
      await expect(page.locator("ol.post-list > li > article")).toHaveCount(20);
      await context.close();
    });
  });
}

test.describe("phone width (375px)", () => {
  test.describe.configure({ timeout: 90_000 });
  test.use({ viewport: VIEWPORTS.phone });

  test("no page scrolls sideways and the signed-in header keeps each item on one line", async ({ page }) => {
    await signInAsAdmin(page);
    for (const path of ["/", "/posts/new", "/admin/moderation", "/settings/tokens", "/me"]) {
      await page.goto(path);
      await hydrated(page);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow, `${path} scrolls sideways by ${overflow}px`).toBeLessThanOrEqual(0);
    }
    const lineHeights = await page
      .locator(".site-header nav > *")
      .evaluateAll((items) =>
        items.map(
          (item) => item.getBoundingClientRect().height / parseFloat(getComputedStyle(item).lineHeight),
        ),
      );
    for (const lines of lineHeights) expect(lines).toBeLessThan(2);
  });
});

// Checked whatever axe calls their impact: a role an element may not have misleads screen readers.
const ALWAYS_CHECKED = new Set(["aria-allowed-role"]);

/** Serious and critical axe violations on the page now, one line each. */
async function axeProblems(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).analyze();
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical" || ALWAYS_CHECKED.has(v.id))
    .map((v) => `${v.id} (${v.nodes.length}) ${v.nodes[0]?.target.join(" ")}`);
}

// Every page, signed out and in, light and dark: no serious or critical axe violations. One test a
// page, so a failure names it; "first post" is the list's first, "held post" the seed's bombed one
// (the most rated: its steadiness banner).
const SIGNED_OUT = [
  "/",
  "/?sort=top",
  "first post",
  "held post",
  "/signin",
  "/register",
  "/forgot-password",
  "/reset-password?token=not-a-token",
  "/verify-email?token=not-a-token",
  "/users/1",
  "/no-such-page",
];
const SIGNED_IN = [
  "/",
  "first post",
  "held post",
  "/posts/new",
  "/settings",
  "/settings/tokens",
  "/me",
  "/admin/moderation",
  "/admin/engine",
  "/users/1",
];

/** The first post of the list asked for through the API (the seed's data decides which). */
async function firstPostPath(page: Page, input: { sort?: string; limit: number }): Promise<string> {
  const response = await page.request.get(
    `/api/trpc/post.list?input=${encodeURIComponent(JSON.stringify(input))}`,
  );
  const body = (await response.json()) as { result: { data: { items: { id: number }[] } } };
  return `/posts/${body.result.data.items[0]!.id}`;
}

async function resolvePath(page: Page, path: string): Promise<string> {
  if (path === "held post") return firstPostPath(page, { sort: "most_rated", limit: 1 });
  if (path === "first post") return firstPostPath(page, { limit: 1 });
  return path;
}

test.describe("accessibility (axe)", () => {
  // axe walks every node of the page: on the list, tens of seconds on a loaded machine.
  test.describe.configure({ timeout: 120_000 });
  // The admin's session, signed in once through the UI and reused by each signed-in page.
  const adminState = "test-results/e2e-admin-state.json";

  test.describe("signed out", () => {
    for (const scheme of ["light", "dark"] as const)
      for (const target of SIGNED_OUT)
        test(`${target}, ${scheme}`, async ({ page }) => {
          await page.emulateMedia({ colorScheme: scheme });
          await page.goto(await resolvePath(page, target));
          await hydrated(page);
          expect(await axeProblems(page)).toEqual([]);
        });
  });

  test.describe("signed in", () => {
    test.beforeAll(async ({ browser }) => {
      // An empty state explicitly: this describe's storageState (the file written here) applies to
      // every context the browser fixture opens.
      const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
      await signInAsAdmin(await context.newPage());
      await context.storageState({ path: adminState });
      await context.close();
    });
    test.use({ storageState: adminState });
    for (const scheme of ["light", "dark"] as const)
      for (const target of SIGNED_IN)
        test(`${target}, ${scheme}`, async ({ page }) => {
          await page.emulateMedia({ colorScheme: scheme });
          await page.goto(await resolvePath(page, target));
          await hydrated(page);
          // exact: /settings also has "Sign out everywhere".
          await expect(page.getByRole("button", { name: "Sign out", exact: true })).toBeVisible();
          expect(await axeProblems(page)).toEqual([]);
        });
  });
});
