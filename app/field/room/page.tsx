"use client";

import Link from "next/link";
import { useRouter, useSearchParams } from "next/navigation";
import { Suspense, useCallback, useEffect, useMemo, useRef, useState } from "react";
import { codeLabel, VISIT_OUTCOME } from "@/domain/codes";
import { FIELD_INFO } from "@/domain/fields";
import { issuesByPath } from "@/domain/schemas/issues";
import { needsRevisit, visitSchema } from "@/domain/visit";
import {
  openDisputesByRoom,
  roomStatus,
  type WorkFeedback,
  type WorkHousehold,
  type WorkVisit,
} from "@/domain/worklist";
import { useI18n } from "../../_components/i18n";
import { markFormDirty } from "../../_components/service-worker";
import { LanguageSwitch, Loading } from "../../_components/shell";
import { StatusChip } from "../../_components/status";
import { clearDraft, readDraft, saveDraft } from "../_lib/drafts";
import { saveVisit } from "../_lib/outbox";
import { usePendingCount } from "../_lib/pending";
import {
  buildRecord,
  draftHasInput,
  emptyDraft,
  type RoomData,
  type RoomDraft,
  recordProblems,
  suggestOutcome,
} from "../_lib/record";
import { loadRoom } from "../_lib/room";
import { type LocalUser, readLocalUser } from "../_lib/session";
import { type FieldDatabase, openFieldDb } from "../_lib/store";
import { useSync } from "../_lib/use-sync";
import { SyncChip } from "../_parts/sync-bar";
import { RoomContext, type RoomContextValue } from "./_parts/context";
import { GpsCard } from "./_parts/gps";
import { AddHouseholdQuietly, HouseholdsSection } from "./_parts/household";
import { OutcomePicker, RevisitNote } from "./_parts/outcome";
import { PhotoCard } from "./_parts/photo";
import { RentalsSection } from "./_parts/rental";
import { Section } from "./_parts/ui";
import { UnitsSection } from "./_parts/unit";

const DRAFT_DELAY_MS = 500;
const NO_CONTACT = ["no_answer", "refused"] as const;
const FORM_ID = "field-room";

type SaveState =
  | { state: "idle" }
  | { state: "saving" }
  | { state: "saved" }
  | { state: "failed" }
  | { state: "invalid"; problems: string[] };

function Header({ db }: { db: FieldDatabase | null }) {
  const { t } = useI18n();
  const pending = usePendingCount(db);
  const [userId, setUserId] = useState<string | null>(null);
  useEffect(() => setUserId(readLocalUser()?.id ?? null), []);
  // Saves made here go out as soon as there is a signal, without going back to the list.
  const { state, syncNow } = useSync(db, userId);
  return (
    <header className="sticky top-0 z-20 bg-brand text-white shadow">
      <div className="mx-auto flex max-w-3xl items-center gap-1 px-2 py-1">
        <Link
          href="/field"
          className="flex min-h-11 shrink-0 items-center rounded-lg px-2 text-base font-semibold hover:bg-white/10"
        >
          <span aria-hidden className="mr-1 text-xl leading-none">
            ‹
          </span>
          {t("field.title")}
        </Link>
        <span className="flex-1" />
        <SyncChip pending={pending} state={state} onSync={() => void syncNow()} />
        <LanguageSwitch />
      </div>
    </header>
  );
}

function Shell({ db, children }: { db: FieldDatabase | null; children: React.ReactNode }) {
  return (
    <div className="flex min-h-dvh flex-col">
      <Header db={db} />
      <main className="mx-auto w-full max-w-3xl flex-1 px-3 pb-40 pt-3">{children}</main>
    </div>
  );
}

function Notice({ children }: { children: React.ReactNode }) {
  return <div className="rounded-xl bg-white p-6 text-center text-base shadow-sm">{children}</div>;
}

function RoomHeading({
  data,
  attempt,
  withoutContact,
  saved,
  outcome,
  onOutcome,
}: {
  data: RoomData;
  attempt: number;
  withoutContact: number;
  saved: WorkVisit | null;
  outcome: string | null;
  onOutcome: (outcome: string) => void;
}) {
  const { t, locale } = useI18n();
  const visits = data.visits as unknown as WorkVisit[];
  const room = data.room;
  const disputedAt = openDisputesByRoom(
    data.households as unknown as WorkHousehold[],
    data.feedback as unknown as WorkFeedback[],
  ).get(room.id);
  const status = roomStatus(saved ? [...visits, saved] : visits, disputedAt);
  // The supervisor sent the latest visit back: their words first, so the officer knows what to fix.
  const latest = [...(data.visits as Record<string, unknown>[])].sort((a, b) =>
    String(b.visitedAt).localeCompare(String(a.visitedAt)),
  )[0];
  const returned = latest?.reviewState === "returned" ? latest : null;
  return (
    <section className="mb-3 rounded-xl bg-white p-3 shadow-sm">
      <p className="text-base text-gray-800">{String(data.building?.address ?? "")}</p>
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h1 className="text-2xl font-bold" data-testid="room-title">
          {room.unitNo ? `${t("register.unitNo", { unit: String(room.unitNo) })} ` : ""}
          {t("register.room", { room: String(room.roomNo) })}
        </h1>
        <StatusChip status={status} label={t(`status.${status}`)} />
      </div>
      <p className="mt-1 text-sm text-gray-800">
        {t("register.floor", { floor: String(room.floor ?? "") })} · {t("visit.attemptNo", { attempt })}
      </p>
      {returned && !saved && (
        <p
          role="alert"
          className="mt-2 rounded-lg border-2 border-status-returned bg-red-50 p-3 text-red-950"
          data-testid="returned-note"
        >
          <strong>{t("visit.returnedTitle")}</strong> {String(returned.reviewComment ?? "")}
          {returned.reviewFields ? (
            <span className="mt-1 block" data-testid="returned-fields">
              {t("visit.returnedFields", {
                fields: String(returned.reviewFields)
                  .split(",")
                  .map((field) => t(FIELD_INFO[field]?.label ?? field))
                  .join("、"),
              })}
            </span>
          ) : null}
          {data.returnedChanges?.length ? (
            <span className="mt-1 block" data-testid="returned-carried">
              {t("visit.returnedCarried", { count: data.returnedChanges.length })}
            </span>
          ) : null}
        </p>
      )}
      {outcome !== null && needsRevisit(outcome) && (
        <RevisitNote withoutContact={withoutContact} testId="revisit-top" />
      )}
      {outcome === null && (
        // Most calls end at a closed door: those two outcomes are one tap from the top.
        <div className="mt-2 flex items-center gap-2 border-t border-gray-200 pt-2">
          <span className="shrink-0 text-sm text-gray-800">{t("visit.quickNoContact")}</span>
          {NO_CONTACT.map((code) => (
            <button
              key={code}
              type="button"
              onClick={() => onOutcome(code)}
              className="min-h-11 flex-1 rounded-lg border-2 border-status-revisit bg-white px-2 text-base font-semibold text-gray-950"
            >
              {codeLabel(VISIT_OUTCOME, code, locale)}
            </button>
          ))}
        </div>
      )}
      {data.visits.length > 0 && (
        <ul
          className="mt-2 border-t border-gray-200 pt-2 text-sm text-gray-800"
          data-testid="previous-visits"
        >
          {data.visits.slice(-3).map((visit) => (
            <li key={visit.id}>
              {new Date(String(visit.visitedAt)).toLocaleDateString(locale)} ·{" "}
              {codeLabel(VISIT_OUTCOME, String(visit.outcome), locale)}
              {visit.pending ? ` · ${t("visit.pendingSync")}` : ""}
              {visit.reviewState && visit.reviewState !== "submitted" && !visit.pending
                ? ` · ${t(visit.reviewState === "returned" ? "status.returned" : "status.approved")}`
                : ""}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function RoomScreen({ roomId, personId }: { roomId: string; personId: string | null }) {
  const { t } = useI18n();
  const router = useRouter();
  const [user, setUser] = useState<LocalUser | null | undefined>(undefined);
  const [db, setDb] = useState<FieldDatabase | null>(null);
  const [data, setData] = useState<RoomData | null | undefined>(undefined);
  const [draft, setDraft] = useState<RoomDraft | null>(null);
  const [restored, setRestored] = useState(false);
  const [save, setSave] = useState<SaveState>({ state: "idle" });
  const [savedVisit, setSavedVisit] = useState<WorkVisit | null>(null);

  const draftRef = useRef<RoomDraft | null>(null);
  const openValues = useRef<unknown>(null);
  const restoredOpen = useRef<RoomDraft["open"]>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const done = useRef(false);

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

  useEffect(() => {
    if (!db) return;
    let live = true;
    Promise.all([loadRoom(db, roomId), readDraft<RoomDraft>(db, roomId)]).then(([room, stored]) => {
      if (!live) return;
      setData(room);
      if (stored && stored.v === 1) {
        restoredOpen.current = stored.open;
        openValues.current = stored.open?.values ?? null;
        setDraft({ ...emptyDraft(stored.visitId), ...stored });
        setRestored(draftHasInput(stored));
      } else {
        setDraft(emptyDraft(crypto.randomUUID()));
      }
    });
    return () => {
      live = false;
    };
  }, [db, roomId]);

  // -- the draft: saved as the officer types, restored on return ------------------------------------

  const persist = useCallback(async () => {
    timer.current = null;
    const current = draftRef.current;
    if (!db || !current || done.current) return;
    const snapshot: RoomDraft = {
      ...current,
      open: current.open ? { key: current.open.key, values: openValues.current } : null,
    };
    try {
      if (draftHasInput(snapshot)) await saveDraft(db, roomId, snapshot);
      else await clearDraft(db, roomId);
    } catch (error) {
      console.warn("draft not saved", error);
    }
  }, [db, roomId]);

  const schedule = useCallback(() => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = setTimeout(() => void persist(), DRAFT_DELAY_MS);
  }, [persist]);

  useEffect(() => {
    draftRef.current = draft;
    if (!draft || done.current) return;
    markFormDirty(FORM_ID, draftHasInput(draft));
    schedule();
  }, [draft, schedule]);

  // Write at once when the page is hidden: the officer may pocket the phone mid-sentence.
  useEffect(() => {
    const flush = () => {
      if (document.visibilityState === "hidden" && timer.current) {
        clearTimeout(timer.current);
        void persist();
      }
    };
    document.addEventListener("visibilitychange", flush);
    window.addEventListener("pagehide", flush);
    return () => {
      document.removeEventListener("visibilitychange", flush);
      window.removeEventListener("pagehide", flush);
      markFormDirty(FORM_ID, false);
    };
  }, [persist]);

  const update = useCallback((change: (draft: RoomDraft) => RoomDraft) => {
    setSave((s) => (s.state === "invalid" || s.state === "failed" ? { state: "idle" } : s));
    setDraft((current) => {
      if (!current) return current;
      const next = change(current);
      if (next.open?.key !== current.open?.key) {
        openValues.current = null;
        restoredOpen.current = null;
      }
      return next;
    });
  }, []);

  const context = useMemo<RoomContextValue | null>(() => {
    if (!data || !draft) return null;
    return {
      data,
      draft,
      update,
      openForm: (key) => update((d) => ({ ...d, open: { key, values: null } })),
      closeForm: () => update((d) => ({ ...d, open: null })),
      setOpenValues: (values) => {
        openValues.current = values;
        schedule();
      },
      initialFor: (key) =>
        restoredOpen.current?.key === key ? (restoredOpen.current.values ?? undefined) : undefined,
      found: personId,
    };
  }, [data, draft, update, schedule, personId]);

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

  const onSave = async () => {
    if (!db || !data || !draft || save.state === "saving" || save.state === "saved") return;
    const built = buildRecord(data, draft, { now: new Date() });
    const problems = recordProblems(draft, built);
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
    if (timer.current) clearTimeout(timer.current);
    done.current = true;
    try {
      await saveVisit(db, {
        visit: parsed.data!,
        changes: built.changes,
        localUpdates: built.localUpdates,
        officerId: user?.id ?? null,
      });
    } catch (error) {
      console.warn("visit not saved", error);
      done.current = false;
      setSave({ state: "failed" });
      return;
    }
    markFormDirty(FORM_ID, false);
    setSavedVisit({ ...parsed.data!, reviewState: "submitted" });
    setSave({ state: "saved" });
    setTimeout(() => router.push("/field"), 1_200);
  };

  const discardDraft = () => {
    if (!db) return;
    restoredOpen.current = null;
    openValues.current = null;
    setRestored(false);
    setDraft(emptyDraft(crypto.randomUUID()));
    void clearDraft(db, roomId);
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
              onClick={discardDraft}
              className="min-h-11 rounded-lg border-2 border-gray-500 bg-white px-3 text-base font-semibold"
            >
              {t("visit.discardDraft")}
            </button>
          </div>
        )}
        <HouseholdsSection />
        <RentalsSection />
        <UnitsSection />
        <AddHouseholdQuietly />
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

function SaveBar({ save, changes, onSave }: { save: SaveState; changes: number; onSave: () => void }) {
  const { t } = useI18n();
  return (
    <div className="fixed inset-x-0 bottom-0 z-20 border-t border-gray-300 bg-white/95 px-3 pb-[max(0.75rem,env(safe-area-inset-bottom))] pt-2 shadow-[0_-2px_8px_rgba(0,0,0,0.08)]">
      <div className="mx-auto max-w-3xl">
        {save.state === "invalid" && (
          <ul
            role="alert"
            className="mb-2 flex flex-col gap-1 text-base font-semibold text-red-800"
            data-testid="save-problems"
          >
            {save.problems.map((key) => (
              <li key={key}>{t(key)}</li>
            ))}
          </ul>
        )}
        {save.state === "failed" && (
          <p role="alert" className="mb-2 text-base font-semibold text-red-800" data-testid="save-failed">
            {t("visit.error.saveFailed")}
          </p>
        )}
        {save.state === "saved" ? (
          <p
            role="status"
            className="flex min-h-14 items-center justify-center rounded-lg bg-status-done text-lg font-bold text-white"
            data-testid="saved"
          >
            ✓ {t("visit.saved")}
          </p>
        ) : (
          <button
            type="button"
            onClick={onSave}
            disabled={save.state === "saving"}
            className="min-h-14 w-full rounded-lg bg-brand text-lg font-bold text-white disabled:opacity-60"
          >
            {save.state === "saving"
              ? t("visit.saving")
              : changes > 0
                ? t("visit.saveWithChanges", { count: changes })
                : t("visit.save")}
          </button>
        )}
      </div>
    </div>
  );
}

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

/** A room id that is missing or not on this phone: say so and lead back to the list. */
function RoomMissing() {
  const { t } = useI18n();
  return (
    <Notice>
      <p className="mb-4">{t("visit.roomMissing")}</p>
      <Link
        href="/field"
        className="inline-flex min-h-11 items-center rounded-lg bg-brand px-6 font-bold text-white"
      >
        {t("visit.backToList")}
      </Link>
    </Notice>
  );
}
