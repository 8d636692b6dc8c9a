import { expect, test } from "@playwright/test";
import { hydrated, registerNewUser, signIn, signOut } from "./helpers";
import { latestMail, linkIn } from "./mail";

const ADMIN = { email: "admin-e2e@example.test", password: "admin-password-1", name: "Moderator" };

test("an admin sees held bursts, locks a post, and its ratings close for everyone", async ({ page }) => {
  // ADMIN_EMAILS in playwright.config.ts makes this account an admin once it confirms its email.
  await page.goto("/register");
  await hydrated(page);
  await page.getByLabel("Email").fill(ADMIN.email);
  await page.getByLabel("Name").fill(ADMIN.name);
  await page.getByLabel("Password").fill(ADMIN.password);
  await page.getByRole("button", { name: "Create account" }).click();
  // On a retry the account exists already: sign in instead.
  const taken = page.getByText("an account with this email already exists");
  await expect(page.getByRole("button", { name: "Sign out" }).or(taken)).toBeVisible();
  if (await taken.isVisible()) await signIn(page, ADMIN.email, ADMIN.password);
  if (!(await page.getByRole("link", { name: "Moderation" }).isVisible())) {
    await page.goto(linkIn(await latestMail(ADMIN.email, /Confirm your email/)));
    await hydrated(page);
    await page.getByRole("button", { name: "Confirm my email" }).click();
  }
  await expect(page.getByRole("link", { name: "Moderation" })).toBeVisible();

  await page.getByRole("link", { name: "Moderation" }).click();
  await hydrated(page);
  // The seeded burst is the most held post: the first row. A retry finds it locked already.
  const row = page.getByRole("row").nth(1);
  await expect(row).toContainText(/\d+ of \d+/);
  const postId = (await row.getByRole("link").getAttribute("href"))?.split("/").at(-1);
  if (await row.getByRole("button", { name: "Unlock" }).isVisible()) {
    await row.getByRole("button", { name: "Unlock" }).click();
    await expect(row.getByRole("button", { name: "Lock" })).toBeVisible();
  }
  await row.getByRole("button", { name: "Lock" }).click();
  await expect(row.getByRole("button", { name: "Unlock" })).toBeVisible();

  await page.goto(`/posts/${postId}`);
  await expect(page.getByText("Ratings are closed by a moderator")).toBeVisible();
  const postUrl = page.url();

  await signOut(page);
  await registerNewUser(page);
  await page.goto(postUrl);
  await hydrated(page);
  await expect(page.getByRole("radio", { name: "3 stars" })).toBeDisabled();
  await expect(page.getByRole("link", { name: "Moderation" })).toHaveCount(0);
  await page.goto("/admin/moderation");
  await expect(page.getByRole("heading", { name: "Admins only" })).toBeVisible();
});

test("a user creates an API token, a script rates with it, and revoking it shuts the script out", async ({
  page,
  request,
}) => {
  await registerNewUser(page);
  await page.getByRole("link", { name: "Settings" }).click();
  await page.getByRole("link", { name: "Manage API tokens" }).click();
  await expect(page.getByRole("heading", { name: "API tokens" })).toBeVisible();
  await hydrated(page);
  await page.getByLabel("Token name").fill("my script");
  await page.getByRole("button", { name: "Create token" }).click();
  const token = (await page.getByTestId("new-token").innerText()).trim();
  expect(token).toMatch(/^ss_/);

  const list = await request.get(
    `/api/trpc/post.list?input=${encodeURIComponent(JSON.stringify({ limit: 5 }))}`,
  );
  const posts = ((await list.json()) as { result: { data: { items: { id: number; locked: boolean }[] } } })
    .result.data.items;
  const postId = posts.find((p) => !p.locked)!.id;
  const rate = () =>
    request.post("/api/trpc/rating.submit", {
      headers: { authorization: `Bearer ${token}` },
      data: { postId, score: 2 },
    });
  expect((await rate()).status()).toBe(200);

  await page.getByRole("button", { name: "Revoke my script" }).click();
  await expect(page.getByText("No tokens yet.")).toBeVisible();
  expect((await rate()).status()).toBe(401);
});
