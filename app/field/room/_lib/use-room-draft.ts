"use client";

import { startTransition, useCallback, useEffect, useMemo, useRef, useState } from "react";
import { markFormDirty } from "../../../_components/service-worker";
import { clearDraft, readDraft, saveDraft } from "../../_lib/drafts";
import {
  draftHasInput,
  emptyDraft,
  questionnaireOfDraft,
  type RoomData,
  type RoomDraft,
} from "../../_lib/record";
import { loadRoom } from "../../_lib/room";
import type { FieldDatabase } from "../../_lib/store";
import type { RoomContextValue } from "../_parts/context";
import { loadQuestionnaire } from "../_parts/lazy-forms";

const DRAFT_DELAY_MS = 500;
const FORM_ID = "field-room";

/**
 * A room's data and the officer's draft of the visit: the draft is written to the phone as the officer
 * types (half a second after the last keystroke; at once when the field loses focus, the page is
 * hidden — the phone may go into a pocket mid-sentence — or the room is left) and restored when the
 * officer comes back, with the open form's values. `finish` stops every later write once the visit
 * is saved, so no late write brings the draft back.
 *
 * `stage` takes an edit the room need not draw at once — a questionnaire answer, which the form
 * draws itself: it is written with the draft and handed to the room's state at the same time, half a
 * second after the last keystroke, so a keystroke draws one question and not the room
 * (bench:questionnaire-phone). `commitStaged` hands it over now; `latestDraft` is the draft with it,
 * for a save.
 */
export function useRoomDraft({
  db,
  roomId,
  found,
  onEdit,
}: {
  db: FieldDatabase | null;
  roomId: string;
  /** The person a search hit opened the room at. */
  found: string | null;
  /** Called at every edit of the draft (the save bar clears its last complaint). */
  onEdit: () => void;
}) {
  const onEditRef = useRef(onEdit);
  onEditRef.current = onEdit;
  const [data, setData] = useState<RoomData | null | undefined>(undefined);
  const [draft, setDraft] = useState<RoomDraft | null>(null);
  const [restored, setRestored] = useState(false);
  /** The campaign of a draft begun here for another campaign than the one worked on now: not opened. */
  const [foreignDraft, setForeignDraft] = useState<string | null>(null);

  const draftRef = useRef<RoomDraft | null>(null);
  const openValues = useRef<unknown>(null);
  const restoredOpen = useRef<RoomDraft["open"]>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  /** A write of the staged edits is queued for the end of this task (one for all the edits in it). */
  const soon = useRef(false);
  const done = useRef(false);
  /** Staged edits, composed in order, not yet in `draft`. */
  const staged = useRef<((draft: RoomDraft) => RoomDraft) | null>(null);
  /**
   * An edit is waiting for the timer's write: one through `update` or the open form's values. Staged
   * edits are written at their own key (`stage`), so a field left with only those has nothing to write.
   */
  const unwritten = useRef(false);
  /** Drafts made by handing staged edits over as they were written: not written again. */
  const written = useRef(new WeakSet<RoomDraft>());

  useEffect(() => {
    if (!db) return;
    let live = true;
    Promise.all([loadRoom(db, roomId), readDraft<RoomDraft>(db, roomId)]).then(([room, stored]) => {
      if (!live) return;
      // Fetched while the room is drawn, so the questions follow it without a wait of their own.
      if (room?.questionnaire) void loadQuestionnaire().catch(() => undefined);
      setData(room);
      // A draft is the door's, whatever the campaign: one begun for another campaign stays as it is
      // (a save here would record it for this one, a keystroke would overwrite it) until the officer
      // switches back to that campaign.
      if (stored && stored.v === 1 && stored.campaignId && room && stored.campaignId !== room.campaignId) {
        setForeignDraft(stored.campaignId);
        return;
      }
      setForeignDraft(null);
      if (stored && stored.v === 1) {
        restoredOpen.current = stored.open;
        openValues.current = stored.open?.values ?? null;
        // Defaults the form filled in for a version no longer in force, none typed: the form fills in
        // the new version's instead (a draft with typed answers keeps its version: questionnaireOfDraft).
        const inForce = room?.questionnaire?.version;
        const stale = !stored.answersEdited && stored.answers && stored.questionnaireVersion !== inForce;
        setDraft({
          ...emptyDraft(stored.visitId),
          ...stored,
          ...(stale ? { answers: undefined, questionnaireVersion: undefined } : {}),
        });
        setRestored(draftHasInput(stored));
      } else {
        setDraft({ ...emptyDraft(crypto.randomUUID()), campaignId: room?.campaignId ?? null });
      }
    });
    return () => {
      live = false;
    };
  }, [db, roomId]);

  /** The staged edits into the room's state (drawn in a transition), and into draftRef at once. */
  const commitStaged = useCallback((): boolean => {
    const change = staged.current;
    if (!change) return false;
    staged.current = null;
    if (draftRef.current) draftRef.current = change(draftRef.current);
    startTransition(() =>
      setDraft((current) => {
        if (!current) return current;
        const next = change(current);
        written.current.add(next);
        return next;
      }),
    );
    return true;
  }, []);

  /** The draft with every edit so far, staged ones too (the rendered `draft` may be behind it). */
  const latestDraft = useCallback(
    (): RoomDraft | null =>
      staged.current && draftRef.current ? staged.current(draftRef.current) : draftRef.current,
    [],
  );

  /** The draft with every edit so far written now, and nothing else done. */
  const write = useCallback(async () => {
    if (!db || done.current) return;
    const current = staged.current && draftRef.current ? staged.current(draftRef.current) : draftRef.current;
    if (!current) return;
    unwritten.current = false;
    const snapshot: RoomDraft = {
      ...current,
      open: current.open ? { key: current.open.key, values: openValues.current } : null,
    };
    try {
      // The write's transaction opens in this call, before any await: a room being left (its store
      // closed just after) still writes it.
      if (draftHasInput(snapshot)) await saveDraft(db, roomId, snapshot);
      else await clearDraft(db, roomId);
    } catch (error) {
      console.warn("draft not saved", error);
    }
  }, [db, roomId]);

  /** The draft written now, staged edits and all (`commit`: and handed to the room's state). */
  const persist = useCallback(
    async (commit = true) => {
      // No store yet: the pending write stays pending for the persist that has one.
      if (!db) return;
      if (timer.current) clearTimeout(timer.current);
      timer.current = null;
      if (done.current) return;
      if (commit) commitStaged();
      await write();
    },
    [db, commitStaged, write],
  );

  const schedule = useCallback(() => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = setTimeout(() => void persist(), DRAFT_DELAY_MS);
  }, [persist]);

  // Edits made through `update` (and the draft read back) are written after the room is drawn with them.
  useEffect(() => {
    draftRef.current = draft;
    if (!draft || done.current) return;
    markFormDirty(FORM_ID, draftHasInput(draft) || staged.current !== null);
    if (written.current.has(draft)) return;
    unwritten.current = true;
    schedule();
  }, [draft, schedule]);

  useEffect(() => {
    // Pending writes go now: the field left (the next one may be a while), the page hidden (the phone
    // in a pocket, the app switched, a reload) or the room left in the app (its store is closed next).
    const pending = () => timer.current !== null || staged.current !== null;
    const flush = () => {
      if (pending()) void persist();
    };
    // A field left: an edit still waiting for the timer is written now (staged answers were written at
    // their own key), and staged ones are taken into the room's state with the usual delay after the
    // last edit (a key in the next field puts it off again). The room drawn again at once landed on the
    // first key typed in the next field: those were the form's slowest keystrokes
    // (bench:questionnaire-phone, the first key after each change of field).
    const leaveField = () => {
      if (!unwritten.current) return;
      void persist(false);
      if (staged.current) schedule();
    };
    const hidden = () => {
      if (document.visibilityState === "hidden") flush();
    };
    document.addEventListener("focusout", leaveField);
    window.addEventListener("blur", flush);
    document.addEventListener("visibilitychange", hidden);
    // A reload or a link out: from the navigation's start, while the page still runs (the write is
    // sealed first, which a page already being unloaded at pagehide may not live to finish).
    window.addEventListener("beforeunload", flush);
    window.addEventListener("pagehide", flush);
    return () => {
      document.removeEventListener("focusout", leaveField);
      window.removeEventListener("blur", flush);
      document.removeEventListener("visibilitychange", hidden);
      window.removeEventListener("beforeunload", flush);
      window.removeEventListener("pagehide", flush);
      if (pending()) void persist(false);
      markFormDirty(FORM_ID, false);
    };
  }, [persist, schedule]);

  const update = useCallback((change: (draft: RoomDraft) => RoomDraft) => {
    onEditRef.current();
    // After the edits staged before it: a move of the answers to a new version replaces those typed.
    const before = staged.current;
    staged.current = null;
    setDraft((current) => {
      if (!current) return current;
      const next = change(before ? before(current) : current);
      if (next.open?.key !== current.open?.key) {
        openValues.current = null;
        restoredOpen.current = null;
      }
      return next;
    });
  }, []);

  const stage = useCallback(
    (change: (draft: RoomDraft) => RoomDraft) => {
      onEditRef.current();
      const before = staged.current;
      staged.current = before ? (draft) => change(before(draft)) : change;
      markFormDirty(FORM_ID, true);
      schedule();
      // Written at once as well, at the end of the key's own task (the room's state takes the edits
      // at the timer): the last answer typed is on its way to the store before a reload or a closed
      // tab, which on a busy phone can come before a write started at the page's leaving is sealed
      // (CI lost the last answer of a form reloaded straight after typing that way).
      if (!soon.current) {
        soon.current = true;
        queueMicrotask(() => {
          soon.current = false;
          void write();
        });
      }
    },
    [schedule, write],
  );

  // The room in the questionnaire version the draft is answered in, and the newer one it may move to.
  const questionnaireVersion = draft?.questionnaireVersion;
  const answersEdited = draft?.answersEdited;
  const shown = useMemo(
    () => (data ? questionnaireOfDraft(data, { questionnaireVersion, answersEdited }) : null),
    [data, questionnaireVersion, answersEdited],
  );
  const roomData = shown ? shown.data : data;

  const context = useMemo<RoomContextValue | null>(() => {
    if (!roomData || !draft) return null;
    return {
      data: roomData,
      draft,
      update,
      openForm: (key) => update((d) => ({ ...d, open: { key, values: null } })),
      closeForm: () => update((d) => ({ ...d, open: null })),
      setOpenValues: (values) => {
        openValues.current = values;
        unwritten.current = true;
        schedule();
      },
      initialFor: (key) =>
        restoredOpen.current?.key === key ? (restoredOpen.current.values ?? undefined) : undefined,
      found,
    };
  }, [roomData, draft, update, schedule, found]);

  /** The visit is being saved: no draft write from now on (`undo` if the save failed). */
  const finish = useCallback(() => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = null;
    done.current = true;
  }, []);
  const undoFinish = useCallback(() => {
    done.current = false;
  }, []);
  const saved = useCallback(() => markFormDirty(FORM_ID, false), []);

  /** The door's draft thrown away (another campaign's too): the room starts afresh in its campaign. */
  const discard = useCallback(() => {
    if (!db) return;
    restoredOpen.current = null;
    openValues.current = null;
    staged.current = null;
    setRestored(false);
    setForeignDraft(null);
    setDraft({ ...emptyDraft(crypto.randomUUID()), campaignId: data?.campaignId ?? null });
    void clearDraft(db, roomId);
  }, [db, roomId, data?.campaignId]);

  return {
    data: roomData,
    newerQuestionnaire: shown?.newer ?? null,
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
  };
}
