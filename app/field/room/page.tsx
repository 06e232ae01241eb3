"use client";

import { useRouter, useSearchParams } from "next/navigation";
import { lazy, Suspense, useCallback, useEffect, useMemo, useRef, useState } from "react";
import type { Answers, EvalContext } from "@/domain/questionnaire/evaluate";
import type { Misfit } from "@/domain/questionnaire/migrate";
import { registerOfSubject } from "@/domain/questionnaire/register";
import type { WorkVisit } from "@/domain/worklist";
import { Loading } from "../../_components/controls";
import { useI18n } from "../../_components/i18n";
import {
  boundPrefill,
  buildRecord,
  questionnaireAsked,
  type RoomData,
  type RoomDraft,
  recordProblems,
  subjectRow,
  suggestOutcome,
  visitSubject,
} from "../_lib/record";
import { type LocalUser, readLocalUser } from "../_lib/session";
import { ACTIVE_CAMPAIGN_META, type FieldDatabase, openFieldDb } from "../_lib/store";
import { useRoomDraft } from "./_lib/use-room-draft";
import { ClaimsSection } from "./_parts/claims";
import { RoomContext } from "./_parts/context";
import { GpsCard } from "./_parts/gps";
import { RoomHeading } from "./_parts/heading";
import { AddHouseholdQuietly, HouseholdsSection } from "./_parts/household";
import { preloadForms, QuestionnaireForm } from "./_parts/lazy-forms";
import { OutcomePicker } from "./_parts/outcome";
import { PhotoCard } from "./_parts/photo";
import { SaveBar, type SaveState } from "./_parts/save-bar";
import { Notice, RoomMissing, Shell } from "./_parts/shell";
import { Section } from "./_parts/ui";

/**
 * One room at the door: its households, rentals and units to confirm or correct, the outcome of the
 * call, position, photo and note, saved to the phone's outbox. The parts live in ./_parts, the draft
 * in ./_lib/use-room-draft.
 */
// Most rooms are homes: a rental's or a unit's section loads only in a room that has one (offline too,
// from the service worker's precache of every chunk).
const RentalsSection = lazy(() => import("./_parts/rental").then((m) => ({ default: m.RentalsSection })));
const UnitsSection = lazy(() => import("./_parts/unit").then((m) => ({ default: m.UnitsSection })));

function RoomScreen({ roomId, personId }: { roomId: string; personId: string | null }) {
  const { t } = useI18n();
  const router = useRouter();
  const [user, setUser] = useState<LocalUser | null | undefined>(undefined);
  const [db, setDb] = useState<FieldDatabase | null>(null);
  const [save, setSave] = useState<SaveState>({ state: "idle" });
  const [savedVisit, setSavedVisit] = useState<WorkVisit | null>(null);
  // Read at every edit: a questionnaire keystroke must not draw the room to find the bar has nothing to clear.
  const saveState = useRef(save.state);
  saveState.current = save.state;
  const {
    data,
    newerQuestionnaire,
    draft,
    restored,
    foreignDraft,
    context,
    update,
    stage,
    commitStaged,
    latestDraft,
    finish,
    undoFinish,
    saved,
    discard,
  } = useRoomDraft({
    db,
    roomId,
    found: personId,
    onEdit: () => {
      if (saveState.current === "invalid" || saveState.current === "failed") setSave({ state: "idle" });
    },
  });

  useEffect(() => setUser(readLocalUser()), []);

  useEffect(() => {
    if (!user) return;
    let closed = false;
    let opened: FieldDatabase | null = null;
    openFieldDb(user.id).then(async (handle) => {
      opened = handle;
      if (closed) return handle.close();
      setDb(handle);
    });
    return () => {
      closed = true;
      opened?.close();
    };
  }, [user]);

  // Once the room is drawn, fetch the correction forms (and zod) so a tap opens them at once.
  const drawn = context !== null;
  useEffect(() => {
    if (drawn) return preloadForms();
  }, [drawn]);

  // Opened from a search hit for a person: bring them into view once the room is drawn, and move focus
  // there so a screen reader starts at them rather than at the top of the page. Once per person: the
  // officer scrolls on from there, and edits redraw the room without pulling them back.
  const foundShown = useRef<string | null>(null);
  useEffect(() => {
    if (!personId || !context || foundShown.current === personId) return;
    foundShown.current = personId;
    const item = document.querySelector<HTMLElement>(`[data-person-id="${CSS.escape(personId)}"]`);
    if (!item) return;
    // Centred: clear of the sticky header above and the save bar fixed below.
    item.scrollIntoView({ block: "center" });
    item.focus({ preventScroll: true });
  }, [personId, context]);

  const record = useMemo(
    () => (data && draft ? buildRecord(data, draft, { now: new Date() }) : null),
    [data, draft],
  );
  const suggestion = useMemo(() => (draft ? suggestOutcome(draft) : null), [draft]);

  // What the questionnaire's ${register.…} reads as the officer types: the subject the visit is
  // about now, and today's clock (the save checks again at the visit's own time, as the server does).
  const subject = data && draft ? visitSubject(data, draft) : null;
  const subjectKey = subject ? `${subject.type}:${subject.id}` : "";
  // biome-ignore lint/correctness/useExhaustiveDependencies: the subject's key says when it changed.
  const answerCtx = useMemo<EvalContext | null>(
    () =>
      data && subject
        ? {
            now: new Date(),
            register: registerOfSubject(subject.type, subjectRow(data, subject)),
            // The register values bound questions start from: the subject's rows (record.ts boundRows).
            bound: draft ? boundPrefill(data, draft) : {},
          }
        : null,
    [data, subjectKey],
  );
  // Answers are recorded with the version they are given in: the draft stays in it (questionnaireOfDraft).
  const shownVersion = data?.questionnaire?.version;
  // The questionnaire draws its answers itself and hands them on at every keystroke: staged, written
  // with the draft and taken into the room's state half a second after the last one (useRoomDraft), so
  // a keystroke draws the question and not the room. A save takes the draft with them (latestDraft),
  // so it never saves the draft one keystroke behind.
  const onAnswers = useCallback(
    (answers: Answers, edited: boolean) =>
      stage((d) => ({
        ...d,
        answers,
        answersEdited: d.answersEdited || edited,
        questionnaireVersion: shownVersion,
      })),
    [stage, shownVersion],
  );
  const onMoveAnswers = useCallback(
    (answers: Answers, misfits: Misfit[], version: number) =>
      update((d) => ({
        ...d,
        answers,
        answersEdited: true,
        questionnaireVersion: version,
        keptOver: undefined,
        // Kept until the officer dismisses them, across reloads, with any from an earlier move.
        misfits: [...(d.misfits ?? []), ...misfits],
      })),
    [update],
  );

  // A second tap while the schema loads must not save twice.
  const checking = useRef(false);
  const onSave = async () => {
    if (!db || !data || !draft || save.state === "saving" || save.state === "saved") return;
    if (checking.current) return;
    checking.current = true;
    // The draft as it is now, answers staged and all (this render's may be a keystroke behind, or
    // one whose answers a blur has just handed over in a transition not yet drawn).
    commitStaged();
    const current = latestDraft() ?? draft;
    try {
      await checkAndSave(db, data, current);
    } finally {
      checking.current = false;
    }
  };

  const checkAndSave = async (db: FieldDatabase, data: RoomData, draft: RoomDraft) => {
    const now = new Date();
    let built = buildRecord(data, draft, { now });
    let photos: string[] = [];
    const problems: string[] = [];
    // The schema and the outbox come with zod: loaded at the first save (the forms' preload brings zod).
    const [{ visitSchema }, { saveVisit }, { issuesByPath }] = await Promise.all([
      import("@/domain/schemas/visit"),
      import("../_lib/outbox"),
      import("@/domain/schemas/issues"),
    ]);
    // The questionnaire's answers, checked with the server's code and cleaned to what applies: its
    // chunk is already here when the campaign has one (the form is on screen).
    if (built.visit.answers) {
      const { checkVisitAnswers } = await import("../_lib/answers");
      const checked = checkVisitAnswers(data, built.visit);
      if (checked.errors.length > 0) problems.push("questionnaire.saveBlocked");
      // Built again from the cleaned answers, so an answer to a question that no longer applies
      // makes no correction of a bound register field (the server stores only what applies).
      else if (checked.visit.answers)
        built = buildRecord(data, { ...draft, answers: checked.visit.answers as Answers }, { now });
      built.visit = checked.visit;
      photos = checked.photos;
    }
    problems.unshift(...recordProblems(draft, built));
    const parsed = visitSchema.safeParse(built.visit);
    if (!parsed.success) {
      for (const issues of Object.values(issuesByPath(parsed.error))) problems.push(issues[0].key);
    }
    if (problems.length > 0) {
      setSave({ state: "invalid", problems: [...new Set(problems)] });
      return;
    }
    setSave({ state: "saving" });
    // No late draft write may bring back the draft the save is about to delete.
    finish();
    try {
      await saveVisit(db, {
        visit: parsed.data!,
        changes: built.changes,
        localUpdates: built.localUpdates,
        officerId: user?.id ?? null,
        photos,
      });
    } catch (error) {
      console.warn("visit not saved", error);
      undoFinish();
      setSave({ state: "failed" });
      return;
    }
    saved();
    setSavedVisit({ ...parsed.data!, reviewState: "submitted" });
    setSave({ state: "saved" });
    setTimeout(() => router.push("/field"), 1_200);
  };

  if (user === null) {
    return (
      <Shell db={null}>
        <Notice>{t("field.needLogin")}</Notice>
      </Shell>
    );
  }
  if (data === null) {
    return (
      <Shell db={db}>
        <RoomMissing />
      </Shell>
    );
  }
  if (data && db && foreignDraft) {
    const name = data.heldCampaigns?.find((c) => c.id === foreignDraft)?.name;
    return (
      <Shell db={db}>
        <section className="rounded-xl bg-white p-4 shadow-sm" role="alert" data-testid="foreign-draft">
          <p className="mb-3 text-base text-amber-950">
            {t("visit.draftOtherCampaign", { name: name ?? "" })}
          </p>
          <div className="flex flex-wrap gap-2">
            <button
              type="button"
              onClick={() => void switchCampaign(db, foreignDraft)}
              className="min-h-11 rounded-lg bg-brand px-4 text-base font-bold text-white"
            >
              {t("visit.switchToCampaign")}
            </button>
            {/* Begun in the wrong campaign by mistake: thrown away here, after a confirmation, rather
                than by switching to that campaign, opening the door and discarding it there. */}
            <button
              type="button"
              onClick={() => {
                if (window.confirm(t("visit.discardForeignConfirm", { name: name ?? "" }))) discard();
              }}
              className="min-h-11 rounded-lg border-2 border-gray-400 bg-white px-4 text-base font-semibold text-gray-950"
            >
              {t("visit.discardForeign")}
            </button>
          </div>
        </section>
      </Shell>
    );
  }
  if (!data || !draft || !context || !record || !db) {
    return (
      <Shell db={db}>
        <Loading />
      </Shell>
    );
  }

  return (
    <RoomContext.Provider value={context}>
      <Shell db={db}>
        <RoomHeading
          data={data}
          attempt={record.attempt}
          withoutContact={record.withoutContact}
          saved={savedVisit}
          outcome={draft.outcome}
          onOutcome={(outcome) => update((d) => ({ ...d, outcome }))}
        />
        {restored && (
          <div
            className="mb-3 flex flex-wrap items-center justify-between gap-2 rounded-xl border-2 border-status-revisit bg-amber-50 p-3"
            role="status"
            data-testid="draft-restored"
          >
            <span className="text-base font-semibold text-amber-950">{t("visit.draftRestored")}</span>
            <button
              type="button"
              onClick={discard}
              className="min-h-11 rounded-lg border-2 border-gray-500 bg-white px-3 text-base font-semibold"
            >
              {t("visit.discardDraft")}
            </button>
          </div>
        )}
        {data.otherCampaigns && data.otherCampaigns.length > 0 && (
          <div
            className="mb-3 rounded-xl border-2 border-brand/40 bg-blue-50 p-3 text-base text-blue-950"
            role="note"
            data-testid="other-campaigns"
          >
            {t("visit.otherCampaigns")}
            {data.otherCampaigns.map((other) => (
              <button
                key={other.id}
                type="button"
                onClick={() => void switchCampaign(db, other.id)}
                className="mt-2 flex min-h-11 w-full items-center justify-between gap-2 rounded-lg border-2 border-brand bg-white px-3 text-left text-base font-semibold text-brand"
              >
                <span>{t("visit.otherCampaignItem", { name: other.name, count: other.targets })}</span>
                <span className="shrink-0 text-sm">{t("visit.switchToCampaign")}</span>
              </button>
            ))}
          </div>
        )}
        <ClaimsSection />
        <HouseholdsSection />
        {(data.rentals.length > 0 || data.units.length > 0) && (
          <Suspense fallback={<Loading />}>
            <RentalsSection />
            <UnitsSection />
          </Suspense>
        )}
        <AddHouseholdQuietly />
        {data.questionnaire && answerCtx && (
          <QuestionnaireForm
            definition={data.questionnaire.definition}
            title={data.questionnaire.title}
            version={data.questionnaire.version}
            db={db}
            asked={questionnaireAsked(data, draft.outcome)}
            answers={draft.answers ?? EMPTY_ANSWERS}
            ctx={answerCtx}
            position={draft.position}
            showAll={save.state === "invalid" && save.problems.includes("questionnaire.saveBlocked")}
            onChange={onAnswers}
            newer={newerQuestionnaire}
            kept={!!newerQuestionnaire && draft.keptOver === newerQuestionnaire.version}
            onKeep={() => update((d) => ({ ...d, keptOver: newerQuestionnaire?.version }))}
            onMove={onMoveAnswers}
            misfits={draft.misfits}
            onDismissMisfits={() => update((d) => ({ ...d, misfits: undefined }))}
          />
        )}
        <OutcomePicker
          value={draft.outcome}
          suggestion={suggestion}
          withoutContact={record.withoutContact}
          onChange={(outcome) => update((d) => ({ ...d, outcome }))}
        />
        <GpsCard
          position={draft.position}
          building={
            typeof data.building?.lat === "number" && typeof data.building?.lng === "number"
              ? { lat: data.building.lat, lng: data.building.lng }
              : null
          }
          onPosition={(position) => update((d) => ({ ...d, position }))}
        />
        <PhotoCard
          db={db}
          sha256={draft.photoSha256 ?? null}
          onPhoto={(photoSha256) => update((d) => ({ ...d, photoSha256 }))}
        />
        <Section title={t("visit.note")}>
          <label className="sr-only" htmlFor="visit-note">
            {t("visit.note")}
          </label>
          <textarea
            id="visit-note"
            value={draft.note}
            maxLength={500}
            rows={3}
            placeholder={t("visit.notePlaceholder")}
            onChange={(event) => {
              const note = event.target.value;
              update((d) => ({ ...d, note }));
            }}
            className="w-full rounded-lg border-2 border-gray-400 p-3 text-lg"
          />
          <p className="text-right text-sm text-gray-700">{draft.note.length} / 500</p>
        </Section>
        <SaveBar save={save} changes={record.changes.length} onSave={onSave} />
      </Shell>
    </RoomContext.Provider>
  );
}

/** One empty object, so a draft without answers does not redraw the questionnaire at every render. */
const EMPTY_ANSWERS: Answers = {};

function RoomPageBody() {
  const params = useSearchParams();
  const id = params.get("id");
  if (!id) {
    return (
      <Shell db={null}>
        <RoomMissing />
      </Shell>
    );
  }
  // A new room starts a new screen: no draft state carries over between rooms.
  return <RoomScreen key={id} roomId={id} personId={params.get("person")} />;
}

export default function RoomPage() {
  return (
    <Suspense fallback={<Loading />}>
      <RoomPageBody />
    </Suspense>
  );
}

/**
 * One tap at the door: the campaign worked on becomes `campaignId` (the switcher's choice, on the
 * phone) and the room opens again in it, its targets, visits and questionnaire. No signal needed.
 */
async function switchCampaign(db: FieldDatabase, campaignId: string) {
  await db.put("meta", campaignId, ACTIVE_CAMPAIGN_META);
  window.location.reload();
}
