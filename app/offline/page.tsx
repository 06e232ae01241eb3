"use client";

import Link from "next/link";
import { useI18n } from "../_components/i18n";

/** Served by the service worker for any page that is neither cached nor reachable. */
export default function OfflinePage() {
  const { t } = useI18n();
  return (
    <main className="mx-auto flex min-h-dvh max-w-md flex-col justify-center gap-4 p-6 text-center">
      <h1 className="text-2xl font-bold">{t("pwa.offlineTitle")}</h1>
      <p className="text-base text-gray-700">{t("pwa.offlineBody")}</p>
      <Link
        href="/field"
        className="mx-auto inline-flex min-h-12 items-center rounded-lg bg-brand px-6 text-lg font-bold text-white"
      >
        {t("pwa.openField")}
      </Link>
    </main>
  );
}
