// Structured JSON logs (pino), one line per event, to stdout. `npm run dev` pipes them through
// pino-pretty; production keeps JSON for the platform's log drain.
import pino, { type DestinationStream, type Logger } from "pino";
import { serverConfig } from "@/server/env";

export function createLogger(destination?: DestinationStream): Logger {
  return pino(
    {
      level: serverConfig().operations.logLevel,
      base: { service: "steadystar" },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
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
