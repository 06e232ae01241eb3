"use client";

import type { ReactNode } from "react";
import { useI18n } from "../../../_components/i18n";
import { Button } from "./ui";

/**
 * A register record's buttons at the door, one bar for members, rentals and units: 无误 (confirm) and
 * 更正 (correct), then the record's own endings (moved out, died, tenancy ended, closed) as `endings`.
 * Once the officer has chosen, it turns into 修改 (for a correction) and 撤销.
 */
export function ActionBar({
  chosen,
  onConfirm,
  onCorrect,
  onUndo,
  endings,
}: {
  /** What the officer chose for the record, if anything. */
  chosen: { kind: string } | undefined;
  onConfirm: () => void;
  /** Opens the correction form (also to change a correction already made). */
  onCorrect: () => void;
  onUndo: () => void;
  endings?: ReactNode;
}) {
  const { t } = useI18n();
  if (chosen) {
    return (
      <div className="mt-2 grid grid-cols-2 gap-2">
        {chosen.kind === "correct" ? <Button onClick={onCorrect}>{t("visit.edit")}</Button> : <span />}
        <Button variant="plain" onClick={onUndo}>
          {t("visit.undo")}
        </Button>
      </div>
    );
  }
  return (
    <div className="mt-2 grid grid-cols-2 gap-2">
      <Button variant="primary" onClick={onConfirm}>
        {t("visit.member.confirm")}
      </Button>
      <Button onClick={onCorrect}>{t("visit.member.correct")}</Button>
      {endings}
    </div>
  );
}
