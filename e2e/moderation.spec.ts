import { expect, test } from "@playwright/test";
import { hydrated, registerNewUser, signIn, signInAsAdmin, signOut } from "./helpers";

test("registering an email listed in ADMIN_EMAILS, in any letter case, grants nothing", async ({ page }) => {
  await page.goto("/register");
  await hydrated(page);
  await page.getByLabel("Email").fill(`Squatter-E2E@Example.test`);
  await page.getByLabel("Name").fill("Squatter");
  await page.getByLabel("Password").fill("squatter-password-1");
  await page.getByRole("button", { name: "Create account" }).click();
  const taken = page.getByText("an account with this email already exists");
  await expect(page.getByRole("button", { name: "Sign out" }).or(taken)).toBeVisible();
  if (await taken.isVisible()) await signIn(page, "squatter-e2e@example.test", "squatter-password-1");
  await expect(page.getByRole("link", { name: "Moderation" })).toHaveCount(0);
  const held = await page.request.get("/api/trpc/admin.heldPosts");
  expect(held.status()).toBe(403);
  await signOut(page);
});

test("an admin sees held bursts, locks a post, and its ratings close for everyone", async ({ page }) => {
  await signInAsAdmin(page);

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
  await page
    .getByRole("alertdialog", { name: /Revoke “my script”\?/ })
    .getByRole("button", { name: "Yes, revoke" })
    .click();
  await expect(page.getByText("No tokens yet.")).toBeVisible();
  expect((await rate()).status()).toBe(401);
});
