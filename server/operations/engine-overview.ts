// Everything the operator page shows, gathered in one place from the same sources as the metrics.
import type { DbHandle } from "@/db/client";
import { serverConfig } from "@/server/env";
import { LIMIT_VARIABLES, type Rate } from "@/server/limits";
import { listHeldPosts, type HeldPost } from "@/server/moderation";
import type { EngineConfig } from "@/server/ratings/config";
import { limiterFailOpenState } from "@/server/telemetry/metrics";
import { readEngineStatus, type EngineStatus } from "./engine-status";
import { recentFoldRuns, type FoldRun } from "./fold-runs";

export type EngineOverview = {
  status: EngineStatus;
  foldRuns: FoldRun[];
  heldPosts: HeldPost[];
  limiter: { backend: "redis" | "in-process"; failOpenTotal: number; lastFailOpenAt: string | null };
  config: EngineConfig & { maxFoldLagSeconds: number; limits: { rule: string; env: string; rate: string }[] };
};

function describeRate(rate: Rate | null): string {
  if (!rate) return "off";
  const seconds = rate.windowMs / 1000;
  return `${rate.max} per ${seconds % 3600 === 0 ? `${seconds / 3600} h` : seconds % 60 === 0 ? `${seconds / 60} min` : `${seconds} s`}`;
}

export async function loadEngineOverview(handle: Pick<DbHandle, "db" | "driver">): Promise<EngineOverview> {
  const { db, driver } = handle;
  const config = serverConfig();
  const limits = config.limits;
  const failOpen = await limiterFailOpenState();
  return {
    status: await readEngineStatus(db, driver),
    foldRuns: await recentFoldRuns(db, 24),
    heldPosts: await listHeldPosts(db, 20),
    limiter: {
      backend: limits.redis ? "redis" : "in-process",
      failOpenTotal: failOpen.total,
      lastFailOpenAt: failOpen.lastAt,
    },
    config: {
      ...config.engine,
      maxFoldLagSeconds: config.operations.maxFoldLagSeconds,
      limits: Object.entries(LIMIT_VARIABLES).map(([rule, variable]) => ({
        rule,
        env: variable.env,
        rate: describeRate(limits.rules[rule as keyof typeof limits.rules]),
      })),
    },
  };
}
