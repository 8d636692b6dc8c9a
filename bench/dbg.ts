import { generate, SCENARIOS } from "@/bench/scenarios";
import { RatingSimulator } from "@/server/ratings/simulate";
const sc = SCENARIOS.find((s) => s.name === process.argv[2])!;
const seed = Number(process.argv[4] ?? 1000);
const { events } = generate(sc, seed);
const sim = new RatingSimulator("steady", 120);
let lastW = -1;
let ls = 0, lc = 0;
const cur = new Map<string, [number, boolean]>();
for (const e of events) {
  const w = Math.floor(e.t / 120) * 120;
  if (w !== lastW && lastW >= 0) {
    const st = sim.state("p").inner as any;
    const sum = sim.score("p");
    if (lastW >= 1772409600 - 240 && lastW < 1772409600 + 3600 * Number(process.argv[3] ?? 1) && (lastW / 120) % Number(process.env.EVERY ?? 1) === 0)
      console.log(((lastW - 1772409600) / 3600).toFixed(2), sum.score?.toFixed(3), (ls / lc).toFixed(3), st.rule?.kind, st.held.map((x: number) => x.toFixed(0)).join(","), st.traffic.map((t: number[]) => t.map((x: number) => x.toFixed(0)).join(",")).join(" | "), st.expected.map((x: number) => x.toFixed(1)).join(","));
  }
  lastW = w;
  const b = cur.get(e.user);
  if (b?.[1]) { ls -= b[0]; lc -= 1; }
  if (e.legit) { ls += e.score; lc += 1; }
  cur.set(e.user, [e.score, e.legit]);
  sim.submit({ t: e.t, user: e.user, post: "p", score: e.score });
}
