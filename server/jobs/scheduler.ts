import type { Db } from "@/db/client";
import type { EngineConfig } from "@/server/ratings/config";
import { runCorrection } from "@/server/ratings/correction";
import { runFold } from "@/server/ratings/fold";
import { msUntilNextCorrection, msUntilNextMinute } from "./schedule";

type Timer = ReturnType<typeof setTimeout>;

/**
 * Embedded mode: runs the same job functions as the Inngest crons, on the same schedule, inside
 * this process. A run that is still going when its next tick comes is not started twice.
 */
export function startEmbeddedScheduler(
  getDb: () => Promise<Db>,
  engine: EngineConfig,
  log: (message: string) => void = console.log,
) {
  const timers = new Set<Timer>();
  let stopped = false;

  function every(name: string, delay: (now: Date) => number, job: () => Promise<string>) {
    let running = false;
    const schedule = () => {
      if (stopped) return;
      const timer = setTimeout(async () => {
        timers.delete(timer);
        if (!running) {
          running = true;
          try {
            const summary = await job();
            if (summary) log(`[jobs] ${name}: ${summary}`);
          } catch (error) {
            log(`[jobs] ${name} failed: ${error instanceof Error ? error.message : String(error)}`);
          } finally {
            running = false;
          }
        }
        schedule();
      }, delay(new Date()));
      timer.unref?.();
      timers.add(timer);
    };
    schedule();
  }

  every("fold", msUntilNextMinute, async () => {
    const report = await runFold(await getDb(), engine);
    return report.folded
      ? `${report.folded} ratings folded, ${report.postsRescored} posts re-scored in ${report.durationMs} ms`
      : "";
  });
  every("nightly correction", msUntilNextCorrection, async () => {
    const report = await runCorrection(await getDb(), engine);
    return `${report.postsChecked} posts checked, ${report.postsDrifted} drifted (max score difference ${report.maxScoreDifference}), ${report.durationMs} ms`;
  });

  return () => {
    stopped = true;
    for (const timer of timers) clearTimeout(timer);
  };
}
