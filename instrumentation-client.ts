// Runs in the browser before the app's own modules. Zod probes for eval support with
// `new Function("")` when its first object schema is built, to compile faster parsers; the
// Content-Security-Policy forbids eval, so the probe alone would be reported as a violation.
// The forms' schemas are small: the plain parsers cost nothing noticeable.
import { z } from "zod";

z.config({ jitless: true });
