import { serve } from "inngest/next";
import type { NextRequest } from "next/server";
import { serverConfig } from "@/server/env";
import { createJobFunctions, inngest } from "@/server/jobs/functions";
import { getDb } from "@/server/runtime";

export const dynamic = "force-dynamic";

const { fold, correct } = createJobFunctions(getDb, () => serverConfig().engine);

// Inngest calls this endpoint to run the crons; with a signing key it verifies every request.
const inngestHandler = serve({ client: inngest, functions: [fold, correct] });

type Handler = (req: NextRequest, context: unknown) => Promise<Response>;

function inEmbeddedMode(handler: Handler): Handler {
  return (req, context) => {
    if (serverConfig().jobs.mode === "embedded") {
      return Promise.resolve(
        Response.json(
          { error: "Inngest is not configured: the jobs run in this process (embedded mode)." },
          { status: 404 },
        ),
      );
    }
    return handler(req, context);
  };
}

export const GET = inEmbeddedMode(inngestHandler.GET as Handler);
export const POST = inEmbeddedMode(inngestHandler.POST as Handler);
export const PUT = inEmbeddedMode(inngestHandler.PUT as Handler);
