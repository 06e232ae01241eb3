"use client";

import { createContext, useContext } from "react";
import type { RoomData, RoomDraft } from "../../_lib/record";

export interface RoomContextValue {
  data: RoomData;
  draft: RoomDraft;
  update: (change: (draft: RoomDraft) => RoomDraft) => void;
  /** Opens one form (only one at a time), closing any other. */
  openForm: (key: string) => void;
  closeForm: () => void;
  /** The open form's raw values, kept in the draft as the officer types. */
  setOpenValues: (values: unknown) => void;
  /** Values a restored draft held for the form with this key, once. */
  initialFor: (key: string) => unknown;
  /** The person a search hit opened the screen at (`?person=`), marked and focused; else null. */
  found: string | null;
}

export const RoomContext = createContext<RoomContextValue | null>(null);

export function useRoom(): RoomContextValue {
  const value = useContext(RoomContext);
  if (!value) throw new Error("useRoom outside the room screen");
  return value;
}
