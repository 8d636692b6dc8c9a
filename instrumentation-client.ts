// Runs in the browser before the app's own modules. Zod probes for eval support with
// `new Function("")` when its first object schema is built, to compile faster parsers; the
// Content-Security-Policy forbids eval, so the probe alone would be reported as a violation.
// The forms' schemas are small: the plain parsers cost nothing noticeable.
// `config` from zod's core only: importing `z` here put all of zod (105 KB) into every page's
// first bundle, though only pages with forms use it (zod marks its modules side-effect free).
import { config } from "zod/v4/core";

config({ jitless: true });
