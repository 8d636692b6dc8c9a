import { createTrpcHandler } from "@/server/api/http";
import { getDb } from "@/server/runtime";

export const dynamic = "force-dynamic";

const handler = createTrpcHandler(getDb);

export { handler as GET, handler as POST };
