// Zod probes for eval support with `new Function("")` when it builds its first object schema, to
// compile faster parsers; the browser's Content-Security-Policy forbids eval, so the probe alone
// would be reported as a violation there. The forms' schemas are small: the plain parsers cost
// nothing noticeable. The server keeps the compiled parsers. This is set here, imported first by
// the module that builds the shared schemas, rather than in instrumentation-client.ts: there it
// put zod's core (28 KB) into every page's first bundle, though only pages with forms use zod.
import { config } from "zod/v4/core";

if (typeof window !== "undefined") config({ jitless: true });
