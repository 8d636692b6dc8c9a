import { expect, test, type Page } from "@playwright/test";
import { hydrated, registerNewUser } from "./helpers";

/** Records CSP violations as the page reports them, from before its first script runs. */
async function watchCsp(page: Page): Promise<() => Promise<string[]>> {
  const consoleErrors: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error" && /Content Security Policy|Refused to/i.test(message.text()))
      consoleErrors.push(message.text());
  });
  await page.addInitScript(() => {
    const store = window as unknown as { __cspViolations: string[] };
    store.__cspViolations = [];
    document.addEventListener("securitypolicyviolation", (event) => {
      store.__cspViolations.push(
        `${event.violatedDirective} blocked ${event.blockedURI} at ${event.sourceFile}:${event.lineNumber}:${event.columnNumber} ${event.sample}`,
      );
    });
  });
  return async () => [
    ...consoleErrors,
    ...(await page.evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations)),
  ];
}

test("every response carries the security headers", async ({ request }) => {
  for (const path of ["/", "/signin", "/api/health", "/api/trpc/post.list", "/posts/1999999999"]) {
    const res = await request.get(path);
    const headers = res.headers();
    const csp = headers["content-security-policy"] ?? "";
    expect(csp, path).toContain("default-src 'self'");
    expect(csp, path).toContain("frame-ancestors 'none'");
    // `next start` is a production server: no eval, and HSTS.
    expect(csp, path).not.toContain("unsafe-eval");
    expect(headers["strict-transport-security"], path).toMatch(/^max-age=\d+/);
    expect(headers["x-frame-options"], path).toBe("DENY");
    expect(headers["x-content-type-options"], path).toBe("nosniff");
    expect(headers["referrer-policy"], path).toBe("strict-origin-when-cross-origin");
    expect(headers["permissions-policy"], path).toContain("camera=()");
    expect(headers["x-powered-by"], path).toBeUndefined();
  }
});

test("the app works under the CSP: the list renders, loads more, opens a post, with no violation", async ({
  page,
}) => {
  const violations = await watchCsp(page);
  await page.goto("/");
  const cards = page.getByRole("article");
  await expect(cards).toHaveCount(20);
  await page.getByRole("button", { name: "Load more" }).click();
  await expect.poll(() => cards.count()).toBeGreaterThan(20);
  const title = (await cards.nth(2).getByRole("heading").innerText()).trim();
  await cards.nth(2).getByRole("link", { name: title }).click();
  await expect(page.getByRole("heading", { level: 1, name: title })).toBeVisible();
  expect(await violations()).toEqual([]);
});

test("markup in a title is shown as text and never runs", async ({ page }) => {
  const violations = await watchCsp(page);
  const dialogs: string[] = [];
  page.on("dialog", async (dialog) => {
    dialogs.push(dialog.message());
    await dialog.dismiss();
  });
  await registerNewUser(page);
  await page.getByRole("link", { name: "New post" }).click();
  await expect(page.getByRole("heading", { name: "New post" })).toBeVisible();
  await hydrated(page);
  const title = `"><img src=x onerror=alert(1)> <script>alert(2)</script> ${Date.now()}`;
  await page.getByLabel("Title").fill(title);
  await page.getByLabel("Content").fill(`<iframe src="javascript:alert(3)"></iframe> plain words after`);
  await page.getByRole("button", { name: "Publish" }).click();
  await expect(page.getByRole("heading", { level: 1, name: title })).toBeVisible();
  await expect(page.getByText(`<iframe src="javascript:alert(3)"></iframe>`, { exact: false })).toBeVisible();
  await expect(page.locator("img[src='x'], iframe")).toHaveCount(0);
  await page.goto("/");
  await expect(page.getByRole("article").first().getByRole("heading")).toHaveText(title);
  expect(dialogs).toEqual([]);
  expect(await violations()).toEqual([]);
});
