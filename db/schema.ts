import { sql } from "drizzle-orm";
import {
  bigint,
  check,
  doublePrecision,
  index,
  integer,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
  uniqueIndex,
} from "drizzle-orm/pg-core";

export const users = pgTable(
  "users",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    email: text("email").notNull(),
    name: text("name").notNull(),
    passwordHash: text("password_hash").notNull(),
    role: text("role", { enum: ["user", "admin"] }).notNull().default("user"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("users_email_key").on(t.email)],
);

export const posts = pgTable(
  "posts",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    authorId: integer("author_id")
      .notNull()
      .references(() => users.id),
    title: text("title").notNull(),
    content: text("content").notNull(),
    // Stored so the list never reads up to 20,000 characters of content per card.
    excerpt: text("excerpt").notNull(),
    wordCount: integer("word_count").notNull(),
    avgWordLength: doublePrecision("avg_word_length").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    // Folded aggregates: maintained by the rating engine, never computed per request.
    ratingCount: integer("rating_count").notNull().default(0),
    ratingSum: bigint("rating_sum", { mode: "number" }).notNull().default(0),
    score: doublePrecision("score"),
  },
  (t) => [
    index("posts_newest_idx").on(t.createdAt.desc(), t.id.desc()),
    index("posts_top_idx").on(sql`coalesce(${t.score}, -1) desc`, t.id.desc()),
    index("posts_most_rated_idx").on(t.ratingCount.desc(), t.id.desc()),
  ],
);

export const ratings = pgTable(
  "ratings",
  {
    postId: integer("post_id")
      .notNull()
      .references(() => posts.id),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id),
    score: smallint("score").notNull(),
    // The score this row held before its last change, written by the upsert itself so the
    // statement can return it exactly even under concurrent submits by the same user.
    previousScore: smallint("previous_score"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.postId, t.userId] }),
    index("ratings_user_idx").on(t.userId),
    check("ratings_score_range", sql`${t.score} between 0 and 5`),
  ],
);

export type User = typeof users.$inferSelect;
export type Post = typeof posts.$inferSelect;
export type Rating = typeof ratings.$inferSelect;
