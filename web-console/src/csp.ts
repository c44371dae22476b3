import { config } from "zod";

/**
 * The node serves the console under a Content-Security-Policy without 'unsafe-eval'. zod (in
 * the bundle through the protocol's schemas) would probe `Function("")` to compile its parsers
 * and fall back when refused; the refusal is still a CSP violation report and a console error.
 * Told up front, it never probes. Imported first by main.ts, before any schema parses.
 */
config({ jitless: true });
