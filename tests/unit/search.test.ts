import { describe, expect, it } from "vitest";
import { MAX_SEARCH_WORDS, titleSearchQuery } from "@/server/posts/search";

describe("the title search query", () => {
  it.each([
    ["steady storm", "'steady' & 'storm':*"],
    ["steady storm ", "'steady' & 'storm'"],
    ["  Zebra  ", "'Zebra'"],
    ["s", "'s'"],
    ["100% sure", "'100' & 'sure':*"],
    ["a&b|!cd:*", "'a' & 'b' & 'cd':*"],
    ["don't", "'don' & 't'"],
    ["Ünïcödé wörds", "'Ünïcödé' & 'wörds':*"],
    ["%_ '", null],
    ["", null],
  ])("%j → %j", (typed, query) => {
    expect(titleSearchQuery(typed)).toBe(query);
  });

  it(`looks for at most ${MAX_SEARCH_WORDS} words`, () => {
    const query = titleSearchQuery(Array.from({ length: 20 }, (_, i) => `w${i}`).join(" "));
    expect(query?.split(" & ")).toHaveLength(MAX_SEARCH_WORDS);
  });
});
