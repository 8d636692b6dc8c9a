import { sql, type SQL } from "drizzle-orm";
import { rows, type Db } from "@/db/client";
import { lockEngine } from "./engine-lock";
import {
  SITE_PROFILE_PARAMS,
  learnSiteProfile,
  learningPeriod,
  type PostActivity,
  type SiteProfile,
  type SiteProfileBook,
  type SiteSummary,
} from "./scoring/site-profile";
import { windowStartSql } from "./window-store";

/**
 * Storage of the site profiles (table site_profiles, one row per UTC day). A day's row is written
 * once, by the first engine run (fold or correction) of that day, before any window of the day is
 * scored, and never changed: every window is scored against the profile of its own day, so the
 * fold, the correction and re-scoring from any checkpoint agree bit for bit. A row with no profile
 * (a day whose windows had already been scored when it was reached) means the constants apply.
 */

type Source = "windows" | "ratings";

/**
 * The learning summary for `day`, computed in SQL with the definitions of `summarizeSite`: from
 * the stored windows (what the fold learns from) or from the ratings as they are now (what the
 * correction checks against).
 */
export async function siteSummary(
  db: Db,
  day: number,
  source: Source,
  windowSeconds: number,
): Promise<SiteSummary> {
  const { from, to } = learningPeriod(day);
  // The week's windows, and each active post's first window ever (an index lookup per post).
  const src: SQL =
    source === "windows"
      ? sql`select post_id, window_start as ws, (c0 + c1 + c2 + c3 + c4 + c5)::int as n
            from rating_windows where window_start >= to_timestamp(${from}) and window_start < to_timestamp(${to})`
      : sql`select post_id, ${windowStartSql(sql`updated_at`, windowSeconds)} as ws, count(*)::int as n
            from ratings where score is not null and updated_at >= to_timestamp(${from})
              and updated_at < to_timestamp(${to}) group by 1, 2`;
  const firstOf: SQL =
    source === "windows"
      ? sql`(select min(w.window_start) from rating_windows w
             where w.post_id = a.post_id and w.window_start < to_timestamp(${to}))`
      : sql`(select ${windowStartSql(sql`min(r.updated_at)`, windowSeconds)} from ratings r
             where r.post_id = a.post_id and r.score is not null and r.updated_at < to_timestamp(${to}))`;
  const thresholds = `{${SITE_PROFILE_PARAMS.ageBuckets.join(",")}}`;
  const found = await rows<{ first: number; buckets: string; hours: string | null }>(
    db,
    sql`with src as (${src}),
        active as (select post_id from src where n > 0 group by post_id),
        firsts as (select a.post_id, ${firstOf} as first from active a),
        per as (
          select s.post_id,
                 width_bucket(extract(epoch from s.ws - f.first)::float8, ${thresholds}::float8[]) as b,
                 sum(s.n)::int as n
          from src s join firsts f on f.post_id = s.post_id
          where s.ws > f.first
          group by 1, 2
        )
        select extract(epoch from f.first)::float8 as first,
               coalesce(json_agg(json_build_array(p.b, p.n)) filter (where p.b is not null), '[]')::text as buckets,
               null as hours
        from firsts f left join per p on p.post_id = f.post_id
        group by f.post_id, f.first
        union all
        select null, '[]',
               (select coalesce(json_agg(json_build_array(h, n)), '[]')::text
                from (select extract(hour from ws at time zone 'UTC')::int as h, sum(n)::int as n
                      from src group by 1) x)`,
  );
  const hourCounts = new Array<number>(24).fill(0);
  const posts: PostActivity[] = [];
  for (const row of found) {
    if (row.hours !== null) {
      for (const [h, n] of JSON.parse(row.hours) as [number, number][]) hourCounts[h] = n;
      continue;
    }
    const bucketCounts = new Array<number>(SITE_PROFILE_PARAMS.ageBuckets.length + 1).fill(0);
    for (const [b, n] of JSON.parse(row.buckets) as [number, number][]) bucketCounts[b] = n;
    posts.push({ first: Number(row.first), bucketCounts });
  }
  return { day, hourCounts, posts };
}

/**
 * Writes the profile of `day` unless its row exists. Learned from the stored windows of the days
 * before it, unless a window of the day has already been scored (and is not about to be re-scored):
 * then the day keeps the constants its windows were scored with. The fold calls it after folding
 * the ratings changed before the day began and before folding or scoring any of the day's own.
 */
export async function ensureSiteProfile(db: Db, day: number, windowSeconds: number): Promise<void> {
  await db.transaction(async (tx) => {
    await lockEngine(tx);
    const [existing] = await rows<{ one: number }>(
      tx,
      sql`select 1 as one from site_profiles where day = to_timestamp(${day})`,
    );
    if (existing) return;
    const [scored] = await rows<{ one: number }>(
      tx,
      sql`select 1 as one from rating_windows w join posts p on p.id = w.post_id
          where w.window_start >= to_timestamp(${day})
            and (p.rescore_from is null or p.rescore_from > w.window_start)
          limit 1`,
    );
    const profile = scored
      ? null
      : learnSiteProfile(await siteSummary(tx, day, "windows", windowSeconds), windowSeconds);
    await rows(
      tx,
      sql`insert into site_profiles (day, profile) values (to_timestamp(${day}), ${profile ? JSON.stringify(profile) : null})
          on conflict (day) do nothing`,
    );
  });
}

/** The learned profiles of the days from `fromEpoch`'s day on (all of them when null). */
export async function loadSiteProfiles(db: Db, fromEpoch: number | null = null): Promise<SiteProfileBook> {
  const found = await rows<{ day: number; profile: string }>(
    db,
    sql`select extract(epoch from day)::float8 as day, profile from site_profiles
        where profile is not null
          and (${fromEpoch}::float8 is null or day >= to_timestamp(floor(${fromEpoch}::float8 / 86400) * 86400))`,
  );
  return new Map(found.map((row) => [Number(row.day), JSON.parse(row.profile) as SiteProfile]));
}

/** The stored profile of `day`: undefined when no row exists, null when the constants apply. */
export async function storedSiteProfile(db: Db, day: number): Promise<SiteProfile | null | undefined> {
  const [row] = await rows<{ profile: string | null }>(
    db,
    sql`select profile from site_profiles where day = to_timestamp(${day})`,
  );
  if (!row) return undefined;
  return row.profile ? (JSON.parse(row.profile) as SiteProfile) : null;
}
