import { Inngest } from "inngest";
import type { Db } from "@/db/client";
import type { EngineConfig } from "@/server/ratings/config";
import { runCorrection } from "@/server/ratings/correction";
import { runFold } from "@/server/ratings/fold";
import { CORRECTION_CRON, FOLD_CRON } from "./schedule";

export const inngest = new Inngest({ id: "steadystar" });

/**
 * The Inngest functions: thin wrappers that run the plain job functions inside one step each.
 * `engine` gives the process's engine configuration (resolved once, when first needed).
 */
export function createJobFunctions(getDb: () => Promise<Db>, engine: () => EngineConfig) {
  const fold = inngest.createFunction(
    // singleton/skip: a tick that arrives while the previous fold still runs is dropped, not queued.
    {
      id: "fold-ratings",
      name: "Fold ratings into windows",
      triggers: [{ cron: FOLD_CRON }],
      singleton: { mode: "skip" },
      retries: 2,
    },
    async ({ step }) => step.run("fold", async () => runFold(await getDb(), engine())),
  );
  const correct = inngest.createFunction(
    {
      id: "nightly-correction",
      name: "Nightly correction",
      triggers: [{ cron: CORRECTION_CRON }],
      singleton: { mode: "skip" },
      retries: 1,
    },
    async ({ step }) => step.run("correct", async () => runCorrection(await getDb(), engine())),
  );
  return { fold, correct };
}
