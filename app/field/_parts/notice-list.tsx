"use client";

import { changeFieldLabel } from "@/domain/change-value";
import { setterText } from "@/domain/push";
import { useI18n } from "../../_components/i18n";
import type { NeedsAction } from "../_lib/needs-action";
import { dismissNotice } from "../_lib/notices";
import type { FieldDatabase } from "../_lib/store";

/**
 * Corrections recorded on this phone that a settlement elsewhere set aside — the officer's other
 * phone kept its own value, a supervisor chose another: what the officer entered, what the register
 * keeps and who decided, until the officer has read it.
 */
export default function NoticeList({
  db,
  notices,
  show,
}: {
  db: FieldDatabase;
  notices: NeedsAction["notices"];
  show: (conflict: { entity: string; field: string; roomId: string }, value: unknown) => string;
}) {
  const { t } = useI18n();
  return (
    <div data-testid="notices">
      <h3 className="mb-1 text-base font-semibold text-amber-950">
        {t("sync.noticesTitle", { count: notices.length })}
      </h3>
      <p className="mb-2 text-sm text-gray-700">{t("sync.noticeHint")}</p>
      <ul className="flex flex-col gap-2">
        {notices.map((notice) => (
          <li
            key={notice.changeId}
            className="rounded-lg border-2 border-amber-300 bg-amber-50 p-3"
            data-testid="notice"
          >
            <p className="text-sm text-gray-700" data-testid="notice-where">
              {notice.where}
            </p>
            <p className="mb-1 font-semibold">{changeFieldLabel(notice.field, t, notice.entity)}</p>
            <dl className="mb-2 grid grid-cols-[auto_1fr] gap-x-3 text-base">
              <dt className="text-gray-700">{t("sync.yourValue")}</dt>
              <dd data-testid="notice-yours">{show(notice, notice.observedValue)}</dd>
              <dt className="text-gray-700">{t("sync.settledValue")}</dt>
              <dd className="font-semibold" data-testid="notice-kept">
                {show(notice, notice.settledValue)}
              </dd>
              {notice.settledBy && (
                <>
                  <dt className="text-gray-700">{t("sync.settledBy")}</dt>
                  <dd data-testid="notice-by">{setterText(notice.settledBy, t)}</dd>
                </>
              )}
            </dl>
            <button
              type="button"
              onClick={() => void dismissNotice(db, notice.changeId)}
              className="min-h-11 rounded-lg border-2 border-gray-400 bg-white px-3 font-semibold"
            >
              {t("sync.noticeDismiss")}
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
