// CPU time of a process and of the whole Postgres server, read from /proc (Linux): what a request
// costs on the machine's cores, which load from elsewhere changes far less than it changes the
// requests per second. Null where /proc cannot say.
import { readdirSync, readFileSync } from "node:fs";

const TICKS_PER_SECOND = 100; // USER_HZ, 100 on Linux

/** User plus system CPU seconds of one process so far, or null. */
export function processCpuSeconds(pid: number): number | null {
  try {
    // Fields after the command name, which may itself hold spaces; utime and stime are the 12th and 13th.
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

/** CPU seconds of every running `postgres` process (the server and its backends) so far, or null. */
export function postgresCpuSeconds(): number | null {
  let entries: string[];
  try {
    entries = readdirSync("/proc");
  } catch {
    return null;
  }
  let total = 0;
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, "utf8").trim() === "postgres")
        total += processCpuSeconds(Number(entry)) ?? 0;
    } catch {
      // the process ended meanwhile
    }
  }
  return total;
}
