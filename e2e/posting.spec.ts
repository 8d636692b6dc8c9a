import { expect, test } from "@playwright/test";
import { firstCard, hydrated, registerNewUser, signOut } from "./helpers";

test("create a post: it appears first in newest with its analysis", async ({ page }) => {
  await registerNewUser(page);
  await page.getByRole("link", { name: "New post" }).click();
  await expect(page.getByRole("heading", { name: "New post" })).toBeVisible();
  await hydrated(page);
  await page.getByRole("button", { name: "Publish" }).click();
  await expect(
    page.getByText("title: must not be empty").or(page.getByText("must not be empty").first()),
  ).toBeVisible();

  const title = `Fresh thoughts ${Date.now()}`;
  await page.getByLabel("Title").fill(title);
  await page
    .getByLabel("Content")
    .fill("Steady scores follow real opinion, not storms. <script>alert(1)</script>");
  await page.getByRole("button", { name: "Publish" }).click();
  await expect(page.getByRole("heading", { level: 1, name: title })).toBeVisible();
  await expect(page.getByTestId("word-count")).toHaveText("11");
  // HTML in content is shown as text, never run.
  await expect(page.getByText("<script>alert(1)</script>")).toBeVisible();

  await page.goto("/");
  await expect(firstCard(page).getByRole("heading")).toHaveText(title);
  await expect(firstCard(page).getByText("Not rated yet")).toBeVisible();
});

test("register shows the server's message for a taken email", async ({ page }) => {
  const user = await registerNewUser(page);
  await signOut(page);
  await page.goto("/register");
  await hydrated(page);
  await page.getByLabel("Email").fill(user.email);
  await page.getByLabel("Name").fill("Someone else");
  await page.getByLabel("Password").fill("another-password");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByText("an account with this email already exists")).toBeVisible();
});
