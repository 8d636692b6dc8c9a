// A request refused before any route runs, kept as plain data so the proxy (a web Response) and the
// Node mount of /api/trpc (server/api/http.ts) answer with the same status, headers and body.
export type JsonRefusal = { status: number; headers: Record<string, string>; body: unknown };

/** A refusal as the web Response the proxy returns. */
export function refusalResponse(refusal: JsonRefusal): Response {
  return Response.json(refusal.body, { status: refusal.status, headers: refusal.headers });
}
