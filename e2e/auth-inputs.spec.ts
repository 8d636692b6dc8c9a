import { expect, test } from "@playwright/test";

// Requests next-auth (or Next.js itself) used to answer with a 500, sent over real HTTP to the
// production server: each must get a 4xx that says what is wrong.

function offSite(baseURL: string): string[] {
  const { port } = new URL(baseURL);
  return [
    "javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "\\\\evil",
    `http://127.0.0.1:${port}.evil.example/`,
  ];
}

test("sign-in refuses a callbackUrl off the site with a 400", async ({ request, baseURL }) => {
  for (const callbackUrl of offSite(baseURL ?? "")) {
    const res = await request.get(`/api/auth/signin?callbackUrl=${encodeURIComponent(callbackUrl)}`, {
      maxRedirects: 0,
    });
    expect(res.status(), callbackUrl).toBe(400);
    expect(await res.json()).toEqual({ error: "callbackUrl: must be a path or URL on this site" });
  }
  const onSite = await request.get("/api/auth/signin?callbackUrl=%2Fposts%2F1", { maxRedirects: 0 });
  expect(onSite.status()).toBe(302);
});

test("the credentials callback refuses a callbackUrl off the site, and a GET", async ({
  request,
  baseURL,
}) => {
  const csrf = (await (await request.get("/api/auth/csrf")).json()) as { csrfToken: string };
  for (const callbackUrl of offSite(baseURL ?? "")) {
    const res = await request.post("/api/auth/callback/credentials", {
      form: {
        csrfToken: csrf.csrfToken,
        email: "nobody@example.test",
        password: "x",
        callbackUrl,
        json: "true",
      },
      maxRedirects: 0,
    });
    expect(res.status(), callbackUrl).toBe(400);
    expect(await res.json()).toEqual({ error: "callbackUrl: must be a path or URL on this site" });
  }
  const get = await request.get("/api/auth/callback/credentials", { maxRedirects: 0 });
  expect(get.status()).toBe(405);
  expect(get.headers()["allow"]).toBe("POST");
});

test("TRACE is refused with a 405 on every kind of route", async ({ request }) => {
  for (const path of ["/", "/signin", "/api/health", "/api/trpc/post.list", "/api/auth/session"]) {
    for (const method of ["TRACE"]) {
      const res = await request.fetch(path, { method });
      expect(res.status(), `${method} ${path}`).toBe(405);
      expect(((await res.json()) as { error: string }).error).toContain(
        `the ${method} method is not supported`,
      );
    }
  }
});
