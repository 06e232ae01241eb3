"use client";

import { type ComponentProps, lazy, Suspense } from "react";
import { Loading } from "../../../_components/controls";

/**
 * The room's correction forms, loaded when one opens. They bring react-hook-form, zod and the register
 * schemas — more JavaScript than the rest of the room — and most calls end without opening one (a
 * closed door, a confirmation), so the room draws without them. `preloadForms` fetches them after the
 * room is drawn, so a tap opens a form at once; offline they come from the service worker's precache,
 * which holds every chunk of the build.
 */
const load = {
  person: () => import("./person-form"),
  end: () => import("./end-form"),
  record: () => import("./record-form"),
};

/** How long after the room is drawn the forms are fetched if the officer has not touched it yet. */
const PRELOAD_AFTER_MS = 6_000;

/**
 * Fetches the forms at the officer's first touch or key in the room (the pointerdown comes before the
 * click that would open a form, so the fetch has a head start), or when the phone is idle some
 * seconds after the room appeared — not as it appears: parsing zod and react-hook-form (about 150 ms
 * of a mid-range phone's main thread) while the officer reads the room would hold up their first tap.
 * Returns a cancel for an unmount before then.
 */
export function preloadForms(): () => void {
  let idle: number | null = null;
  const cleanup = () => {
    window.removeEventListener("pointerdown", fetchAll, true);
    window.removeEventListener("keydown", fetchAll, true);
    clearTimeout(timer);
    if (idle !== null && typeof cancelIdleCallback === "function") cancelIdleCallback(idle);
  };
  function fetchAll() {
    cleanup();
    for (const module of Object.values(load)) void module().catch(() => undefined);
  }
  window.addEventListener("pointerdown", fetchAll, { capture: true, passive: true });
  window.addEventListener("keydown", fetchAll, true);
  const timer = setTimeout(() => {
    if (typeof requestIdleCallback === "function") idle = requestIdleCallback(fetchAll, { timeout: 3_000 });
    else fetchAll();
  }, PRELOAD_AFTER_MS);
  return cleanup;
}

const LazyPersonForm = lazy(() => load.person().then((m) => ({ default: m.PersonForm })));
const LazyEndForm = lazy(() => load.end().then((m) => ({ default: m.EndForm })));
const LazyRecordForm = lazy(() => load.record().then((m) => ({ default: m.RecordForm })));

export function PersonForm(props: ComponentProps<typeof LazyPersonForm>) {
  return (
    <Suspense fallback={<Loading />}>
      <LazyPersonForm {...props} />
    </Suspense>
  );
}

export function EndForm(props: ComponentProps<typeof LazyEndForm>) {
  return (
    <Suspense fallback={<Loading />}>
      <LazyEndForm {...props} />
    </Suspense>
  );
}

export function RecordForm(props: ComponentProps<typeof LazyRecordForm>) {
  return (
    <Suspense fallback={<Loading />}>
      <LazyRecordForm {...props} />
    </Suspense>
  );
}

/**
 * The campaign questionnaire: the definition reader's evaluator and the renderer are their own chunk,
 * loaded only in a campaign that has a questionnaire (the room's first paint never waits for it).
 */
const LazyQuestionnaireForm = lazy(() =>
  import("./questionnaire").then((m) => ({ default: m.QuestionnaireForm })),
);

export function QuestionnaireForm(props: ComponentProps<typeof LazyQuestionnaireForm>) {
  return (
    <Suspense fallback={<Loading />}>
      <LazyQuestionnaireForm {...props} />
    </Suspense>
  );
}
