"use client";

import { type ComponentProps, lazy, Suspense, useEffect, useState } from "react";
import { Loading } from "../../../_components/controls";
import type { QuestionnaireFormProps } from "./questionnaire";

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
 * Fetches the forms at the officer's first touch or key in the room outside a field (the pointerdown
 * comes before the click that would open a form, so the fetch has a head start), or when the phone is
 * idle some seconds after the room appeared — not as it appears: parsing zod and react-hook-form
 * (about 150 ms of a mid-range phone's main thread) while the officer reads the room would hold up
 * their first tap. Nor at a tap or key in a text field: the officer is typing an answer, not opening
 * a form, and the chunks' evaluation landed in the middle of the first keystrokes (bench:questionnaire-
 * phone, the first key 180–280 ms at 4× CPU). Returns a cancel for an unmount before then.
 */
export function preloadForms(): () => void {
  let idle: number | null = null;
  const cleanup = () => {
    window.removeEventListener("pointerdown", onInput, true);
    window.removeEventListener("keydown", onInput, true);
    clearTimeout(timer);
    if (idle !== null && typeof cancelIdleCallback === "function") cancelIdleCallback(idle);
  };
  function fetchAll() {
    cleanup();
    for (const module of Object.values(load)) void module().catch(() => undefined);
  }
  function onInput(event: Event) {
    if (event.target instanceof Element && event.target.closest("input, textarea, select")) return;
    fetchAll();
  }
  window.addEventListener("pointerdown", onInput, { capture: true, passive: true });
  window.addEventListener("keydown", onInput, true);
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
 * loaded only in a campaign that has a questionnaire (the room's first paint never waits for it). Not
 * through lazy() and Suspense: a boundary that has shown its fallback reveals its content no sooner
 * than 300 ms after (React throttles reveals), which held the door's first questions back until then
 * (bench:questionnaire-phone, first questions 296–302 ms after the room, every run). `loadQuestionnaire`
 * starts the fetch as soon as the room is known to have one (useRoomDraft).
 */
type QuestionnaireModule = typeof import("./questionnaire");
let questionnaireModule: QuestionnaireModule | null = null;
let questionnaireLoading: Promise<QuestionnaireModule> | null = null;

export function loadQuestionnaire(): Promise<QuestionnaireModule> {
  questionnaireLoading ??= import("./questionnaire").then(
    (module) => (questionnaireModule = module),
    (error) => {
      // Tried again at the next room (offline with the chunk not cached yet).
      questionnaireLoading = null;
      throw error;
    },
  );
  return questionnaireLoading;
}

export function QuestionnaireForm(props: QuestionnaireFormProps) {
  const [module, setModule] = useState(questionnaireModule);
  useEffect(() => {
    if (module) return;
    let live = true;
    loadQuestionnaire().then(
      (loaded) => live && setModule(loaded),
      (error) => console.warn("questionnaire not loaded", error),
    );
    return () => {
      live = false;
    };
  }, [module]);
  if (!module) return <Loading />;
  return <module.QuestionnaireForm {...props} />;
}
