// Runs in the browser before any of the app's own code (Next's instrumentation-client hook).
//
// zod compiles object schemas with `new Function` when it may, and finds out whether it may by calling
// it once. Under the Content-Security-Policy (no 'unsafe-eval': next.config.ts) that probe is refused
// and reported as a violation on every page that parses anything, although zod catches the refusal
// and parses without compiling. Telling zod up front not to try ("jitless") keeps the pages free of
// violations; what the browser parses (forms, pulled pages) is small enough not to miss the compiled
// parsers. zod reads its settings from this global object, whenever it is loaded.
const zodGlobal = globalThis as { __zod_globalConfig?: { jitless?: boolean } };
zodGlobal.__zod_globalConfig = { ...zodGlobal.__zod_globalConfig, jitless: true };
