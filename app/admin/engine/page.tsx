import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { getDbHandle } from "@/server/runtime";
import { FoldLagChart } from "@/components/fold-lag-chart";
import { countOf, formatScore } from "@/components/format";
import { getSession } from "@/server/api/rsc";
import { loadEngineOverview } from "@/server/operations/engine-overview";
import { isAdmin } from "@/server/users/roles";

export const metadata: Metadata = { title: "Engine · steadystar" };
export const dynamic = "force-dynamic";

function seconds(value: number): string {
  return value < 120 ? `${Math.round(value)} s` : `${Math.round(value / 60)} min`;
}

function when(iso: string | null | undefined): string {
  return iso ? `${iso.slice(0, 16).replace("T", " ")} UTC` : "never";
}

function Facts({ rows }: { rows: [string, string | number][] }) {
  return (
    <dl className="facts">
      {rows.map(([term, value]) => (
        <div key={term}>
          <dt>{term}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

export default async function EnginePage() {
  const session = await getSession();
  if (!session) redirect("/signin?callbackUrl=/admin/engine");
  const handle = await getDbHandle();
  // The role in the session may be stale: the database decides, with the admin procedures' check.
  if (!(await isAdmin(handle.db, session.user.id))) {
    return (
      <section className="narrow empty" role="alert">
        <h1>Admins only</h1>
        <p>Your account cannot see the engine.</p>
      </section>
    );
  }
  const { status, foldRuns, heldPosts, limiter, config } = await loadEngineOverview(handle);
  const fold = status.lastFold;
  const correction = status.lastCorrection;
  return (
    <section>
      <h1>Engine</h1>
      <p className="hint">The same numbers /api/metrics exports, read now.</p>

      <h2>Fold lag</h2>
      <Facts
        rows={[
          ["Pending ratings", status.pending.toLocaleString("en")],
          ["Oldest pending", seconds(status.lagSeconds)],
          ["Not ready above", seconds(config.maxFoldLagSeconds)],
        ]}
      />
      <FoldLagChart
        points={foldRuns.map((run) => ({
          at: Date.parse(run.startedAt),
          lagSeconds: run.lagSeconds,
          pending: run.pendingBefore,
        }))}
      />

      <h2>Last fold</h2>
      {fold ? (
        <Facts
          rows={[
            ["Finished", when(fold.finishedAt)],
            ["Ratings folded", fold.folded.toLocaleString("en")],
            ["Batches", fold.batches],
            ["Posts re-scored", fold.postsRescored.toLocaleString("en")],
            ["Duration", `${fold.durationMs} ms`],
            [
              "Pending when it started",
              `${fold.pendingBefore.toLocaleString("en")} (oldest ${seconds(fold.lagSeconds)})`,
            ],
          ]}
        />
      ) : (
        <p className="empty">No fold has run yet.</p>
      )}

      <h2>Last correction</h2>
      {correction ? (
        <Facts
          rows={[
            ["Finished", when(correction.finishedAt)],
            ["Posts checked", correction.postsChecked.toLocaleString("en")],
            ["Posts drifted", correction.postsDrifted],
            ["Largest score difference", correction.maxScoreDifference],
            ["Largest count difference", correction.maxCountDifference],
            ["Windows repaired", correction.windowsRepaired],
            ["Duration", `${correction.durationMs} ms`],
          ]}
        />
      ) : (
        <p className="empty">No correction has run yet (it runs at 03:00 UTC).</p>
      )}

      <h2>Held ratings</h2>
      <p className="hint">
        {countOf(status.heldPosts, "post")} {status.heldPosts === 1 ? "holds" : "hold"}{" "}
        {countOf(Math.round(status.heldWeight), "rating’s", "ratings’")} weight aside. The steady policy holds
        a window’s ratings when its volume is far above the post’s normal rate and its mean is shifted from
        the displayed score; they are released when calm traffic confirms them.
      </p>
      {heldPosts.length > 0 && (
        <table className="table">
          <thead>
            <tr>
              {["Post", "Held weight", "Rule that held them", "Score (all included)", "Since"].map((c) => (
                <th key={c} scope="col">
                  {c}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {heldPosts.map((post) => (
              <tr key={post.id}>
                <td>
                  <Link href={`/posts/${post.id}`}>{post.title}</Link>
                </td>
                <td>{post.heldCount.toFixed(1)}</td>
                <td>
                  burst: {Math.round(post.peakVolumeRatio)}× normal volume, mean {post.heldMean.toFixed(1)}
                  {post.score !== null ? ` vs score ${formatScore(post.score)}` : ""}
                </td>
                <td>
                  {formatScore(post.score) ?? "–"} ({formatScore(post.scoreAllIncluded) ?? "–"})
                </td>
                <td>{when(new Date(post.heldSince * 1000).toISOString())}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <h2>Limiter</h2>
      <Facts
        rows={[
          ["Counters in", limiter.backend === "redis" ? "Redis (Upstash REST)" : "this process"],
          ["Fail-open checks in this process", limiter.failOpenTotal],
          ["Last fail-open", when(limiter.lastFailOpenAt)],
        ]}
      />

      <h2>Configuration in force</h2>
      <Facts
        rows={[
          ["Rating window", `${config.windowSeconds} s (RATING_WINDOW_SECONDS)`],
          ["Scoring policy", `${config.policy} (SCORE_POLICY)`],
          ["Database", `${status.database.driver}, pool ${status.database.poolSize}`],
          ...config.limits.map((limit): [string, string] => [
            `Limit ${limit.rule}`,
            `${limit.rate} (${limit.env})`,
          ]),
        ]}
      />
    </section>
  );
}
