"use client";

import Link from "next/link";
import { LanguageSwitch } from "../_components/controls";
import { useI18n } from "../_components/i18n";
import { useTRPCClient } from "../_components/trpc-client";
import { usePendingCount } from "./_lib/pending";
import { useFieldGrid } from "./_lib/use-field-grid";
import { lockVault } from "./_lib/vault";
import { CampaignSwitch } from "./_parts/campaign-switch";
import { DownloadPanel } from "./_parts/download-panel";
import { OfflineMapPanel } from "./_parts/offline-map";
import { SyncChip, SyncPanel } from "./_parts/sync-bar";
import { WorkList } from "./_parts/work-list";

/** The officer's home: sync, download, the offline map and the grid's work list (parts in ./_parts). */
export default function FieldPage() {
  const { t } = useI18n();
  const client = useTRPCClient();
  const {
    user,
    db,
    data,
    all,
    held,
    primaryId,
    targeted,
    storeFailed,
    pulledAt,
    download,
    pull,
    campaigns,
    campaignId,
    setCampaignId,
    syncState,
    syncNow,
  } = useFieldGrid();
  const pending = usePendingCount(db);
  const hasData = !!data && data.rooms.length > 0;
  // The campaigns held once downloaded (offline too), else those the server offers to download.
  const switchable = hasData && held.length > 0 ? held : (campaigns ?? []);
  const logout = async () => {
    if (pending && !window.confirm(t("field.logoutUnsent", { count: pending }))) return;
    // Only the session ends: the phone's database, outbox included, stays sealed for the next login.
    await lockVault().catch(() => {});
    await client.auth.logout.mutate().catch(() => {});
    window.location.assign("/login");
  };

  // The header is drawn at once and the rest only when the phone's store has been read, all together:
  // panels that appeared one by one pushed each other down the screen.
  const ready = user === null || (user !== undefined && (data !== null || storeFailed));
  return (
    <div className="flex min-h-dvh flex-col">
      <header className="sticky top-0 z-10 bg-brand text-white shadow">
        <div className="mx-auto flex max-w-3xl items-center gap-2 px-3 py-1">
          <span className="shrink-0 whitespace-nowrap text-lg font-bold">{t("app.name")}</span>
          <span className="min-w-0 truncate text-sm text-white/85">{user?.displayName}</span>
          <span className="flex-1" />
          <SyncChip pending={pending} state={syncState} onSync={() => void syncNow()} />
          <LanguageSwitch />
        </div>
        {user && ready && syncState.phase !== "wiped" && switchable.length > 1 && (
          <CampaignSwitch
            campaigns={switchable}
            activeId={campaignId}
            onChoose={setCampaignId}
            all={all}
            primaryId={primaryId}
          />
        )}
      </header>
      <main className="mx-auto w-full max-w-3xl flex-1 px-3 py-3">
        {syncState.phase === "wiped" ? (
          <section
            role="alert"
            aria-labelledby="wiped-title"
            data-testid="wiped"
            className="rounded-xl bg-white p-6 text-center shadow-sm"
          >
            <h1 id="wiped-title" className="mb-3 text-xl font-bold text-red-900">
              {t("vault.wipedTitle")}
            </h1>
            <p className="mb-5 text-base text-gray-800">{t("vault.wipedHint")}</p>
            <button
              type="button"
              onClick={() => void logout()}
              className="inline-flex min-h-11 items-center rounded-lg bg-brand px-6 font-bold text-white"
            >
              {t("field.logout")}
            </button>
          </section>
        ) : !ready ? null : !user ? (
          <div className="rounded-xl bg-white p-6 text-center shadow-sm">
            <p className="mb-4">{t("field.needLogin")}</p>
            <Link
              href="/login"
              className="inline-flex min-h-11 items-center rounded-lg bg-brand px-6 font-bold text-white"
            >
              {t("auth.submit")}
            </Link>
          </div>
        ) : (
          <>
            <SyncPanel
              db={db}
              username={user.username}
              pending={pending}
              state={syncState}
              onSync={() => void syncNow()}
            />
            <DownloadPanel
              download={download}
              hasData={hasData}
              pulledAt={pulledAt}
              onPull={pull}
              ready={!!db}
              campaigns={campaigns}
            />
            {hasData && data && <OfflineMapPanel grids={data.grids} buildings={data.buildings} />}
            {hasData && data && <WorkList key={campaignId ?? ""} data={data} targeted={targeted} />}
            <div className="mt-6 flex justify-center">
              <button
                type="button"
                onClick={() => void logout()}
                className="min-h-11 rounded-lg px-4 text-base text-gray-700 underline"
                data-testid="logout"
              >
                {t("field.logout")}
              </button>
            </div>
          </>
        )}
      </main>
    </div>
  );
}
