"use client";

import Link from "next/link";
import { useEffect, useState } from "react";
import { LanguageSwitch } from "../../../_components/controls";
import { useI18n } from "../../../_components/i18n";
import { usePendingCount } from "../../_lib/pending";
import { readLocalUser } from "../../_lib/session";
import type { FieldDatabase } from "../../_lib/store";
import { useSync } from "../../_lib/use-sync";
import { SyncChip } from "../../_parts/sync-bar";

function Header({ db }: { db: FieldDatabase | null }) {
  const { t } = useI18n();
  const pending = usePendingCount(db);
  const [userId, setUserId] = useState<string | null>(null);
  useEffect(() => setUserId(readLocalUser()?.id ?? null), []);
  // Saves made here go out as soon as there is a signal, without going back to the list.
  const { state, syncNow } = useSync(db, userId);
  // Erased on the server's word: the room's data is gone; the home screen says why.
  useEffect(() => {
    if (state.phase === "wiped") window.location.assign("/field");
  }, [state.phase]);
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

export function Shell({ db, children }: { db: FieldDatabase | null; children: React.ReactNode }) {
  return (
    <div className="flex min-h-dvh flex-col">
      <Header db={db} />
      <main className="mx-auto w-full max-w-3xl flex-1 px-3 pb-40 pt-3">{children}</main>
    </div>
  );
}

export function Notice({ children }: { children: React.ReactNode }) {
  return <div className="rounded-xl bg-white p-6 text-center text-base shadow-sm">{children}</div>;
}

/** A room id that is missing or not on this phone: say so and lead back to the list. */
export function RoomMissing() {
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
