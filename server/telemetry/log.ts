// Structured JSON logs (pino), one line per event, to stdout. `npm run dev` pipes them through
// pino-pretty; production keeps JSON for the platform's log drain.
import pino, { type DestinationStream, type Logger } from "pino";

const LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

/** LOG_LEVEL (default info), validated: a typo names the variable instead of silencing the logs. */
export function logLevel(env: Record<string, string | undefined> = process.env): string {
  const level = env.LOG_LEVEL?.trim().toLowerCase() || "info";
  if (!(LEVELS as readonly string[]).includes(level)) {
    throw new Error(`LOG_LEVEL="${env.LOG_LEVEL}" must be one of ${LEVELS.join(", ")}`);
  }
  return level;
}

export function createLogger(destination?: DestinationStream): Logger {
  return pino(
    { level: logLevel(), base: { service: "steadystar" }, timestamp: pino.stdTimeFunctions.isoTime },
    destination ?? pino.destination(1),
  );
}

const holder = globalThis as unknown as { steadystarLogger?: Logger };

/** The process's logger (one per process, like the database handle). */
export function logger(): Logger {
  holder.steadystarLogger ??= createLogger();
  return holder.steadystarLogger;
}

/** Sends the process's logs to another stream (tests read the lines they produce). */
export function useLogDestination(destination: DestinationStream): void {
  holder.steadystarLogger = createLogger(destination);
}
