import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
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
    // Null for an account that signs in only through an OAuth provider (or was deleted).
    passwordHash: text("password_hash"),
    role: text("role", { enum: ["user", "admin"] })
      .notNull()
      .default("user"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    // Set when the owner followed a verification link sent to this address (or an OAuth provider vouched for it).
    emailVerifiedAt: timestamp("email_verified_at", { withTimezone: true }),
    // A deleted account keeps its row, anonymised, so its posts stay attributed to "deleted user".
    deletedAt: timestamp("deleted_at", { withTimezone: true }),
    // Carried in every session JWT; raising it ends all of the account's sessions (server/users/sessions.ts).
    sessionVersion: integer("session_version").notNull().default(0),
    // The person chose to list their ratings on their public profile.
    ratingsPublic: boolean("ratings_public").notNull().default(false),
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
    // Folded aggregates, maintained by the rating engine's fold, never computed per request:
    // the count and star sum of the ratings in rating_windows, and the policy's displayed score.
    ratingCount: integer("rating_count").notNull().default(0),
    ratingSum: bigint("rating_sum", { mode: "number" }).notNull().default(0),
    score: doublePrecision("score"),
    // The engine state after the post's last window (JSON text, kept verbatim so it resumes bit for bit).
    scoreState: text("score_state"),
    // Earliest window whose histogram changed since the score was last computed; null when current.
    rescoreFrom: timestamp("rescore_from", { withTimezone: true }),
    // Rating weight the steady policy holds aside as bursts (from score_state), for the moderation page.
    heldCount: doublePrecision("held_count").notNull().default(0),
    // Set by an admin: ratings are refused with 403 while the score stays visible.
    lockedAt: timestamp("locked_at", { withTimezone: true }),
    lockedBy: integer("locked_by").references(() => users.id),
    // Last edit by the author (null: never edited).
    updatedAt: timestamp("updated_at", { withTimezone: true }),
    // Deleted by its author: gone from every page; its ratings are removed through the fold.
    deletedAt: timestamp("deleted_at", { withTimezone: true }),
    // Hidden by a moderator: gone from lists and the post page for everyone but moderators.
    hiddenAt: timestamp("hidden_at", { withTimezone: true }),
    hiddenBy: integer("hidden_by").references(() => users.id),
    // When the displayed score last changed (set by the re-score that changed it).
    scoreMovedAt: timestamp("score_moved_at", { withTimezone: true }),
  },
  (t) => [
    index("posts_rescore_idx")
      .on(t.id)
      .where(sql`${t.rescoreFrom} is not null`),
    index("posts_held_idx")
      .on(t.heldCount.desc())
      .where(sql`${t.heldCount} > 0`),
    // Ascending on purpose: "order by key desc, id desc" with a (key, id) < (…) keyset is a plain
    // backward scan of these. (A DESC NULLS LAST index does not match a default DESC order.)
    index("posts_newest_idx").on(t.createdAt, t.id),
    index("posts_top_idx").on(sql`coalesce(${t.score}, -1)`, t.id),
    index("posts_most_rated_idx").on(t.ratingCount, t.id),
    // Title search (server/posts/search.ts): the same expression as the queries, so they use it.
    index("posts_title_search_idx").using("gin", sql`to_tsvector('simple', ${t.title})`),
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
    // Null: the rating was cleared. The row stays as a tombstone until the fold has subtracted what
    // it last counted (folded_score at folded_at) and deletes it.
    score: smallint("score"),
    // The score this row held before its last change, written by the upsert itself so the
    // statement can return it exactly even under concurrent submits by the same user.
    previousScore: smallint("previous_score"),
    previousUpdatedAt: timestamp("previous_updated_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
    // What rating_windows currently counts for this row: its score and last-update time as of the
    // last fold (null: never folded). The row is pending while these differ from score/updated_at.
    foldedScore: smallint("folded_score"),
    foldedAt: timestamp("folded_at", { withTimezone: true }),
    // Set when written: the account had rated other posts just before (server/ratings/scoring/
    // cross-post.ts). Never changed afterwards; false for ratings older than migration 0013.
    crossPost: boolean("cross_post").notNull().default(false),
    // The flag rating_windows counts this row with, as of the last fold.
    foldedCrossPost: boolean("folded_cross_post").notNull().default(false),
  },
  (t) => [
    primaryKey({ columns: [t.postId, t.userId] }),
    // The user's ratings, most recent last: account deletion, and the submit's cross-post probe.
    index("ratings_user_recent_idx").on(t.userId, t.updatedAt),
    index("ratings_pending_idx")
      .on(t.postId, t.userId)
      .where(
        sql`${t.foldedAt} is distinct from ${t.updatedAt} or ${t.foldedScore} is distinct from ${t.score}`,
      ),
    check("ratings_score_range", sql`${t.score} between 0 and 5`),
  ],
);

/**
 * The live rater count of each post (its ratings with a score), split into 8 stripes by user id so
 * concurrent raters of one post seldom wait on one row. Triggers on ratings (migration
 * 0010_live_rater_counts) keep it exact in the writer's own transaction; the nightly correction
 * checks it against the ratings and repairs any drift.
 */
export const postRaterCounts = pgTable(
  "post_rater_counts",
  {
    postId: integer("post_id")
      .notNull()
      .references(() => posts.id),
    stripe: smallint("stripe").notNull(),
    raters: integer("raters").notNull(),
  },
  (t) => [primaryKey({ columns: [t.postId, t.stripe] })],
);

/**
 * The current ratings partitioned by the UTC-aligned window of their last update, as a histogram
 * of the six stars. A pure function of `ratings` (see the nightly correction), plus the scoring
 * engine's state after each window so a post can be re-scored from its first changed window.
 */
export const ratingWindows = pgTable(
  "rating_windows",
  {
    postId: integer("post_id")
      .notNull()
      .references(() => posts.id),
    windowStart: timestamp("window_start", { withTimezone: true }).notNull(),
    c0: integer("c0").notNull().default(0),
    c1: integer("c1").notNull().default(0),
    c2: integer("c2").notNull().default(0),
    c3: integer("c3").notNull().default(0),
    c4: integer("c4").notNull().default(0),
    c5: integer("c5").notNull().default(0),
    // How many of the window's ratings, per star, carry the cross-post flag.
    x0: integer("x0").notNull().default(0),
    x1: integer("x1").notNull().default(0),
    x2: integer("x2").notNull().default(0),
    x3: integer("x3").notNull().default(0),
    x4: integer("x4").notNull().default(0),
    x5: integer("x5").notNull().default(0),
    state: text("state"),
  },
  (t) => [primaryKey({ columns: [t.postId, t.windowStart] })],
);

/** Named API tokens for scripts: only a SHA-256 of the token is stored; the token is shown once. */
export const apiTokens = pgTable(
  "api_tokens",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id),
    name: text("name").notNull(),
    tokenHash: text("token_hash").notNull(),
    /** The first characters of the token, so a user can tell their tokens apart. */
    prefix: text("prefix").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    lastUsedAt: timestamp("last_used_at", { withTimezone: true }),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
  },
  (t) => [uniqueIndex("api_tokens_hash_key").on(t.tokenHash), index("api_tokens_user_idx").on(t.userId)],
);

/**
 * Single-use links mailed to an account: email verification (for `email`, the address being
 * confirmed, which is the new one during an email change) and password reset. The link carries
 * `<id>.<secret>`; only a SHA-256 of the secret is stored.
 */
export const accountTokens = pgTable(
  "account_tokens",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id),
    purpose: text("purpose", { enum: ["verify_email", "reset_password"] }).notNull(),
    email: text("email").notNull(),
    secretHash: text("secret_hash").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    usedAt: timestamp("used_at", { withTimezone: true }),
  },
  (t) => [
    index("account_tokens_user_idx").on(t.userId, t.purpose),
    check("account_tokens_purpose_check", sql`${t.purpose} in ('verify_email', 'reset_password')`),
  ],
);

/** An identity at an OAuth provider linked to an account. */
export const oauthAccounts = pgTable(
  "oauth_accounts",
  {
    provider: text("provider").notNull(),
    providerAccountId: text("provider_account_id").notNull(),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.provider, t.providerAccountId] }),
    index("oauth_accounts_user_idx").on(t.userId),
  ],
);

/**
 * Sessions signed out one by one (server/users/sessions.ts): a session JWT carries its own id, and an
 * id listed here is refused until the row expires, which is after every JWT of that session has.
 */
export const endedSessions = pgTable(
  "ended_sessions",
  {
    sessionId: text("session_id").primaryKey(),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
  },
  (t) => [index("ended_sessions_expires_idx").on(t.expiresAt)],
);

/** One row per nightly correction run: what it checked, the drift it found, what it repaired. */
export const correctionReports = pgTable("correction_reports", {
  id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
  startedAt: timestamp("started_at", { withTimezone: true }).notNull(),
  finishedAt: timestamp("finished_at", { withTimezone: true }).notNull(),
  policy: text("policy").notNull(),
  windowSeconds: integer("window_seconds").notNull(),
  postsChecked: integer("posts_checked").notNull(),
  postsDrifted: integer("posts_drifted").notNull(),
  windowsRepaired: integer("windows_repaired").notNull(),
  ratingsRemarked: integer("ratings_remarked").notNull(),
  maxScoreDifference: doublePrecision("max_score_difference").notNull(),
  maxCountDifference: integer("max_count_difference").notNull(),
  durationMs: integer("duration_ms").notNull(),
  /** Largest difference between today's stored site profile and one learned again from the ratings (null: none stored). */
  profileDifference: doublePrecision("profile_difference"),
});

/**
 * What the site expects of a post on one UTC day (scoring/site-profile.ts), learned once from the
 * days before it and never changed after: JSON text of the profile, or null where the constants apply.
 */
export const siteProfiles = pgTable("site_profiles", {
  day: timestamp("day", { withTimezone: true }).primaryKey(),
  profile: text("profile"),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});

/** One row per fold run: how far behind the fold was when it started, and what it did (the lag history). */
export const foldRuns = pgTable(
  "fold_runs",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    startedAt: timestamp("started_at", { withTimezone: true }).notNull(),
    finishedAt: timestamp("finished_at", { withTimezone: true }).notNull(),
    pendingBefore: integer("pending_before").notNull(),
    lagSeconds: doublePrecision("lag_seconds").notNull(),
    batches: integer("batches").notNull(),
    folded: integer("folded").notNull(),
    postsRescored: integer("posts_rescored").notNull(),
    durationMs: integer("duration_ms").notNull(),
  },
  (t) => [index("fold_runs_started_idx").on(t.startedAt)],
);

export type User = typeof users.$inferSelect;
export type Post = typeof posts.$inferSelect;
export type Rating = typeof ratings.$inferSelect;
