import { isPolicyName } from "./scoring/engine";
import type { PolicyName } from "./scoring/policy";

export type EngineConfig = { windowSeconds: number; policy: PolicyName };

/**
 * RATING_WINDOW_SECONDS (default 120) and SCORE_POLICY (default steady), validated. The process's
 * own is parsed once, with the rest of the configuration (serverConfig().engine in server/env.ts).
 */
export function engineConfig(env: Record<string, string | undefined>): EngineConfig {
  const windowSeconds = Number(env.RATING_WINDOW_SECONDS ?? 120);
  if (
    !Number.isInteger(windowSeconds) ||
    windowSeconds < 10 ||
    windowSeconds > 86_400 ||
    86_400 % windowSeconds !== 0
  ) {
    throw new Error(
      "RATING_WINDOW_SECONDS must be a whole number of seconds from 10 to 86400 that divides a day evenly",
    );
  }
  const policy = env.SCORE_POLICY ?? "steady";
  if (!isPolicyName(policy)) throw new Error("SCORE_POLICY must be one of steady, windowed, mean");
  return { windowSeconds, policy };
}
