import { NextRequest } from "next/server";
import { describe, expect, it } from "vitest";
import { encodeCursor, POST_SORTS } from "@/server/posts/cursor";
import { testDbForFile } from "../support/db";
import { makePost, makeUser, snapshot } from "../support/fixtures";
import { sessionCookie } from "../support/session";
import { trpcOverHttp } from "../support/trpc-http";

const handle = testDbForFile();
const handler = trpcOverHttp(async () => handle.db);

type Answer = { status: number; message?: string };

async function list(input: unknown): Promise<Answer> {
  const url = new URL("http://localhost/api/trpc/post.list");
  url.searchParams.set("input", JSON.stringify(input));
  const res = await handler(new NextRequest(url));
  const json = (await res.json()) as { error?: { message: string } };
  return { status: res.status, message: json.error?.message };
}

// Keys a client can put in a cursor by hand: each once reached a Postgres cast and answered 500.
const TAMPERED_KEYS = ["1e400", "-1e400", "1e-400", "1.5", "99999999999999999999", "-99999999999999999999"];

describe("post.list refuses tampered input with 400, never 500", () => {
  it.each(POST_SORTS.flatMap((sort) => TAMPERED_KEYS.map((key) => [sort, key] as const)))(
    "sort %s with cursor key %s",
    async (sort, key) => {
      const author = await makeUser(handle.db);
      await makePost(handle.db, author);
      const cursor = encodeCursor({ sort, key, id: 1 });
      const answer = await list({ sort, cursor });
      // "1.5" is a real score, so a valid cursor for "top".
      if (sort === "top" && key === "1.5") return expect(answer.status).toBe(200);
      expect(answer).toEqual({ status: 400, message: expect.stringMatching(/^cursor: /) });
    },
  );

  it.each(["\u0000", "storm\u0000", "\u0000' or 1=1 --"])("a title search containing NUL (%j)", async (q) => {
    expect(await list({ q })).toEqual({ status: 400, message: expect.stringMatching(/^q: .*NUL/) });
  });

  it("still pages with the cursors it issues, for every sort", async () => {
    const author = await makeUser(handle.db);
    for (let i = 0; i < 3; i++) await makePost(handle.db, author, `Paged ${i}`);
    for (const sort of POST_SORTS) {
      const first = await handler(
        new NextRequest(
          `http://localhost/api/trpc/post.list?input=${encodeURIComponent(JSON.stringify({ sort, limit: 1 }))}`,
        ),
      );
      const { result } = (await first.json()) as { result: { data: { nextCursor: string } } };
      expect((await list({ sort, limit: 1, cursor: result.data.nextCursor })).status).toBe(200);
    }
  });
});

describe("post.create refuses a title that shows nothing", () => {
  it.each([
    ["zero-width space", "\u200B"],
    ["zero-width joiners", "\u200C\u200D\u2060"],
    ["bidi overrides", "\u202E\u202D\u202C"],
    ["bidi isolates and marks", "\u2066\u2069\u200E\u200F\u061C"],
    ["soft hyphen and BOM", "\u00AD\uFEFF"],
    ["lone combining marks", "\u0301\u0302"],
    ["Hangul filler", "\u3164\u3164"],
    ["Braille blank", "\u2800"],
    ["tag characters", "\u{E0041}\u{E0042}"],
    ["invisible mixed with spaces", " \u200B \u202E\t"],
  ])("%s → 400 naming the title, nothing written", async (_name, title) => {
    const author = await makeUser(handle.db);
    const before = await snapshot(handle.db);
    const res = await handler(
      new NextRequest("http://localhost/api/trpc/post.create", {
        method: "POST",
        headers: { "content-type": "application/json", cookie: await sessionCookie(author) },
        body: JSON.stringify({ title, content: "Visible content." }),
      }),
    );
    const json = (await res.json()) as { error?: { message: string } };
    expect(res.status).toBe(400);
    expect(json.error?.message).toBe("title: must contain a visible character");
    expect(await snapshot(handle.db)).toBe(before);
  });

  it("accepts a visible title that carries invisible characters too", async () => {
    const author = await makeUser(handle.db);
    const res = await handler(
      new NextRequest("http://localhost/api/trpc/post.create", {
        method: "POST",
        headers: { "content-type": "application/json", cookie: await sessionCookie(author) },
        body: JSON.stringify({ title: "\u200Bhello\u202E world", content: "Visible content." }),
      }),
    );
    expect(res.status).toBe(200);
  });
});
