CREATE INDEX "posts_title_search_idx" ON "posts" USING gin (to_tsvector('simple', "title"));
