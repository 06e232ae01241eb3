"use client";

import { useCallback, useEffect, useMemo, useRef, useState } from "react";
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

const DRAFT_DELAY_MS = 500;
const FORM_ID = "field-room";

/**
 * A room's data and the officer's draft of the visit: the draft is written to the phone as the officer
 * types (half a second after the last keystroke, at once when the page is hidden — the phone may go
 * into a pocket mid-sentence) and restored when the officer comes back, with the open form's values.
 * `finish` stops every later write once the visit is saved, so no late write brings the draft back.
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

  const draftRef = useRef<RoomDraft | null>(null);
  const openValues = useRef<unknown>(null);
  const restoredOpen = useRef<RoomDraft["open"]>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const done = useRef(false);

  useEffect(() => {
    if (!db) return;
    let live = true;
    Promise.all([loadRoom(db, roomId), readDraft<RoomDraft>(db, roomId)]).then(([room, stored]) => {
      if (!live) return;
      setData(room);
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
        setDraft(emptyDraft(crypto.randomUUID()));
      }
    });
    return () => {
      live = false;
    };
  }, [db, roomId]);

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
    onEditRef.current();
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
    done.current = true;
  }, []);
  const undoFinish = useCallback(() => {
    done.current = false;
  }, []);
  const saved = useCallback(() => markFormDirty(FORM_ID, false), []);

  const discard = useCallback(() => {
    if (!db) return;
    restoredOpen.current = null;
    openValues.current = null;
    setRestored(false);
    setDraft(emptyDraft(crypto.randomUUID()));
    void clearDraft(db, roomId);
  }, [db, roomId]);

  return {
    data: roomData,
    newerQuestionnaire: shown?.newer ?? null,
    draft,
    restored,
    context,
    update,
    finish,
    undoFinish,
    saved,
    discard,
  };
}
