"use client";

import { CompletionScreen } from "./_map/completion-screen";

/** The supervisor's home: completion on a map (the shell with its tabs is in layout.tsx). */
export default function SupervisePage() {
  return <CompletionScreen />;
}
