// Requests whose cost is in their shape are refused by the proxy before any route parses them.
// A Cookie header of 1,500 small cookies took Next's route-handler runtime over a second of CPU;
// now it is answered 431 at once, the route never runs, and other clients keep being served.
import { expect, test, type APIRequestContext } from "@playwright/test";
import { registerNewUser } from "./helpers";

// About 10 KB: under Node's own 16 KB header limit, which would answer 431 before the proxy runs.
const manyCookies = Array.from({ length: 1_500 }, (_, i) => `c${i.toString(36)}=${i % 10}`).join("; ");

function trpcInput(input: unknown): string {
  return encodeURIComponent(JSON.stringify(input));
}

async function titlesMatching(request: APIRequestContext, q: string): Promise<string[]> {
  const res = await request.get(`/api/trpc/post.list?input=${trpcInput({ q, limit: 50 })}`);
  expect(res.status()).toBe(200);
  const json = (await res.json()) as { result: { data: { items: { title: string }[] } } };
  return json.result.data.items.map((item) => item.title);
}

test("a Cookie header of 1,500 cookies is answered 431 on every kind of route", async ({ request }) => {
  for (const path of [
    "/api/trpc/post.list",
    "/api/health",
    "/api/auth/session",
    "/api/ping",
    "/",
    "/posts/1",
  ]) {
    const res = await request.get(path, { headers: { cookie: manyCookies } });
    expect(res.status(), path).toBe(431);
    expect(((await res.json()) as { error: string }).error, path).toMatch(
      /^the Cookie header holds 1500 cookies; at most \d+ are accepted/,
    );
  }
});

test("the route never runs: a signed-in post.create inside such a header writes nothing", async ({
  page,
  request,
}) => {
  await registerNewUser(page);
  const session = (await page.context().cookies())
    .filter((cookie) => cookie.name.includes("next-auth"))
    .map((cookie) => `${cookie.name}=${cookie.value}`)
    .join("; ");
  const word = `cookieproof${Date.now().toString(36)}`;
  const create = (title: string, cookie: string) =>
    request.post("/api/trpc/post.create", {
      headers: { cookie, "content-type": "application/json" },
      data: { title, content: "Written only if the route handler ran." },
    });
  // The same call with an ordinary header is served: the session and input are good.
  expect((await create(`${word} served`, session)).status()).toBe(200);
  expect((await create(`${word} refused`, `${manyCookies}; ${session}`)).status()).toBe(431);
  expect(await titlesMatching(request, word)).toEqual([`${word} served`]);
});

test("other clients are served while oversized requests keep coming", async ({ request }) => {
  let flooding = true;
  const refused: number[] = [];
  const flood = async () => {
    while (flooding) {
      const res = await request.get("/api/trpc/post.list", { headers: { cookie: manyCookies } });
      refused.push(res.status());
    }
  };
  const flooders = Array.from({ length: 4 }, flood);
  const served: number[] = [];
  try {
    for (let i = 0; i < 30; i++) {
      const res = await request.get(`/api/trpc/post.list?input=${trpcInput({ limit: 20 })}`);
      served.push(res.status());
    }
  } finally {
    flooding = false;
    await Promise.all(flooders);
  }
  expect(served).toEqual(Array.from({ length: 30 }, () => 200));
  expect(refused.length).toBeGreaterThan(0);
  expect(new Set(refused)).toEqual(new Set([431]));
});
