"use client";

import { type ComponentProps, lazy, Suspense } from "react";
import { Loading } from "../../../_components/controls";

/**
 * The room's correction forms, loaded when one opens. They bring react-hook-form, zod and the register
 * schemas — more JavaScript than the rest of the room — and most calls end without opening one (a
 * closed door, a confirmation), so the room draws without them. `preloadForms` fetches them once the
 * room is drawn, so a tap opens a form at once; offline they come from the service worker's precache,
 * which holds every chunk of the build.
 */
const load = {
  person: () => import("./person-form"),
  end: () => import("./end-form"),
  record: () => import("./record-form"),
};

/**
 * Fetches the forms when the phone is idle (within 3 s at the latest), not at once: parsing zod as the
 * room appears would hold up the officer's first taps. Returns a cancel for an unmount before then.
 */
export function preloadForms(): () => void {
  const fetchAll = () => {
    for (const module of Object.values(load)) void module().catch(() => undefined);
  };
  if (typeof requestIdleCallback === "function") {
    const handle = requestIdleCallback(fetchAll, { timeout: 3_000 });
    return () => cancelIdleCallback(handle);
  }
  const handle = setTimeout(fetchAll, 1_000);
  return () => clearTimeout(handle);
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
