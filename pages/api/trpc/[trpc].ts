// /api/trpc as a pages-router API route (server/api/http.ts says why, and what stays the same).
import { createTrpcApiHandler } from "@/server/api/http";
import { getDb } from "@/server/runtime";

// The body is read by the handler, bounded to MAX_BODY_BYTES with the endpoint's own 413, so Next's
// parser (1 MB, its own error page) is off; answers are never large enough for its 4 MB warning.
// Kept a literal: Next reads this export statically.
export const config = { api: { bodyParser: false, responseLimit: false } };

export default createTrpcApiHandler(getDb);
