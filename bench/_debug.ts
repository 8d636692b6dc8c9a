import { createSteadyPolicy, DEFAULT_STEADY_PARAMS, type SteadyParams } from "@/server/ratings/scoring/steady";
import { emptyHistogram, type Histogram, total } from "@/server/ratings/scoring/histogram";
import { SCENARIOS, generate, EVENT_TIME, WINDOW_SECONDS } from "@/bench/scenarios";
const name = process.argv[2]!;
const overrides = JSON.parse(process.argv[3] ?? "{}") as Partial<SteadyParams>;
const sc = SCENARIOS.find((s) => s.name === name)!;
const { events } = generate(sc, 1000);
const windows = new Map<number, Histogram>();
const cur = new Map<string, [number, number]>();
for (const e of events) {
  const w = Math.floor(e.t / WINDOW_SECONDS) * WINDOW_SECONDS;
  const prev = cur.get(e.user);
  if (prev && prev[0] === e.score) continue;
  if (prev) windows.get(prev[1])![prev[0]]! -= 1;
  const h = windows.get(w) ?? emptyHistogram(); h[e.score]! += 1; windows.set(w, h); cur.set(e.user, [e.score, w]);
}
const pol = createSteadyPolicy({ ...DEFAULT_STEADY_PARAMS, ...overrides });
let s = pol.initial();
for (const [start, counts] of [...windows.entries()].sort((a, b) => a[0] - b[0])) {
  const heldBefore = total(s.held);
  s = pol.step(s, { start, counts }, WINDOW_SECONDS);
  const rel = (start - EVENT_TIME) / 3600;
  if (rel >= -0.1 && rel < 9 && Math.round(rel * 30) % 5 === 0)
    console.log(rel.toFixed(2), total(counts), "held", total(s.held).toFixed(1), "dHeld", (total(s.held) - heldBefore).toFixed(1), "score", pol.score(s)?.toFixed(3), "rate", (s.rate / s.rateNorm).toFixed(2), "recent", total(s.recent).toFixed(1), "calm", total(s.calm).toFixed(1));
}
