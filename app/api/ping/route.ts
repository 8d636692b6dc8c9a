// The smallest possible route handler, answering the same body as the bare Node server in
// `npm run bench`: the same-build baseline every benchmark figure is compared with.
export const dynamic = "force-dynamic";

export function GET() {
  return Response.json({ ok: true });
}
