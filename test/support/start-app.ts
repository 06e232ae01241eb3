// Runs the app's start hook the way `next start` does (instrumentation.ts's register(), in the Node.js
// runtime) with the environment it is given, then exits 0: for tests of what a start does, without a
// build. Run as `node --conditions=react-server --import tsx test/support/start-app.ts`.
import { register } from "../../instrumentation";

process.env.NEXT_RUNTIME = "nodejs";
register().then(
  () => {
    console.log("started");
    process.exit(0);
  },
  (error) => {
    console.error("register() failed:", error);
    process.exit(2);
  },
);
