"use client";

import { useEffect, useState } from "react";
import { Workbox } from "workbox-window";
import { useI18n } from "./i18n";

/** Screens with typed but unsaved input say so here, so an update never reloads under them unasked. */
const dirtyForms = new Set<string>();
export function markFormDirty(id: string, dirty: boolean) {
  if (dirty) dirtyForms.add(id);
  else dirtyForms.delete(id);
}

/**
 * Registers the service worker and offers a waiting update. The new version takes over only when
 * the officer taps reload, so it never replaces the code under a form being filled in.
 */
export function ServiceWorkerUpdates() {
  const { t } = useI18n();
  const [workbox, setWorkbox] = useState<Workbox | null>(null);
  const [waiting, setWaiting] = useState(false);

  useEffect(() => {
    if (!("serviceWorker" in navigator)) return;
    const wb = new Workbox("/serwist/sw.js", { scope: "/" });
    wb.addEventListener("waiting", () => setWaiting(true));
    wb.register().catch((error) => console.warn("service worker registration failed", error));
    setWorkbox(wb);
  }, []);

  if (!waiting || !workbox) return null;
  const reload = () => {
    if (dirtyForms.size > 0 && !window.confirm(t("pwa.unsavedConfirm"))) return;
    workbox.addEventListener("controlling", () => window.location.reload());
    workbox.messageSkipWaiting();
  };
  return (
    <div
      role="status"
      className="fixed inset-x-2 bottom-2 z-50 flex items-center gap-3 rounded-xl bg-gray-900 p-3 text-white shadow-lg"
    >
      <span className="flex-1 text-base">{t("pwa.updateReady")}</span>
      <button
        type="button"
        onClick={reload}
        className="min-h-11 rounded-lg bg-white px-4 font-semibold text-gray-900"
      >
        {t("pwa.reload")}
      </button>
    </div>
  );
}
