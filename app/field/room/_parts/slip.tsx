"use client";

import { correction, generate } from "lean-qr";
import { toSvgPath } from "lean-qr/extras/svg";
import { useEffect, useMemo } from "react";
import { createPortal } from "react-dom";
import { useI18n } from "../../../_components/i18n";
import { publicUrl } from "../../../_components/public-env";
import { readLocalUser } from "../../_lib/session";
import { Button } from "./ui";

/** Where residents open /check: the public address when officers reach the app by another one. */
export function checkUrl(code: string): string {
  const base = publicUrl() ?? window.location.origin;
  return `${base.replace(/\/+$/, "")}/check?code=${encodeURIComponent(code)}`;
}

/** ABCDE FGHJK: read aloud and copied in two halves. */
const grouped = (code: string) => code.replace(/(.{5})(?=.)/g, "$1 ");

/**
 * The visit slip (入户告知单) left at the door: the household's self-check code and a QR code to
 * /check, drawn on the phone with no signal, and printable on a pocket printer.
 */
export function VisitSlip({
  code,
  address,
  householdNo,
  onClose,
}: {
  code: string;
  address: string;
  householdNo: string;
  onClose: () => void;
}) {
  const { t, locale } = useI18n();
  const url = checkUrl(code);
  const qr = useMemo(() => {
    const bitmap = generate(url, { minCorrectionLevel: correction.M });
    return { size: bitmap.size, path: toSvgPath(bitmap) };
  }, [url]);
  const officer = readLocalUser()?.displayName ?? "";

  useEffect(() => {
    // Printing shows the slip alone (globals.css); Escape closes it like any dialog.
    document.body.classList.add("printing-slip");
    const onKey = (event: KeyboardEvent) => {
      if (event.key === "Escape") onClose();
    };
    window.addEventListener("keydown", onKey);
    return () => {
      document.body.classList.remove("printing-slip");
      window.removeEventListener("keydown", onKey);
    };
  }, [onClose]);

  return createPortal(
    <div
      role="dialog"
      aria-modal="true"
      aria-labelledby="slip-title"
      className="slip-print fixed inset-0 z-50 overflow-y-auto bg-black/60 p-3 print:static print:bg-white print:p-0"
      data-testid="slip"
    >
      <div className="mx-auto max-w-sm rounded-xl bg-white p-4 text-gray-950 shadow-lg print:shadow-none">
        <h2 id="slip-title" className="text-center text-xl font-bold">
          {t("slip.title")}
        </h2>
        <p className="mt-2 text-base">{t("slip.greeting")}</p>
        <dl className="mt-2 grid grid-cols-[auto_1fr] gap-x-2 text-base">
          <dt className="text-gray-700">{t("slip.address")}</dt>
          <dd>{address}</dd>
          <dt className="text-gray-700">{t("slip.household")}</dt>
          <dd>{householdNo}</dd>
          <dt className="text-gray-700">{t("slip.date")}</dt>
          <dd>{new Date().toLocaleDateString(locale)}</dd>
          {officer && (
            <>
              <dt className="text-gray-700">{t("slip.officer")}</dt>
              <dd>{officer}</dd>
            </>
          )}
        </dl>
        <p className="mt-3 text-base">{t("slip.howTo")}</p>
        <div className="mt-2 flex flex-col items-center">
          <svg
            role="img"
            aria-label={t("slip.qrLabel")}
            viewBox={`-4 -4 ${qr.size + 8} ${qr.size + 8}`}
            className="h-48 w-48"
            shapeRendering="crispEdges"
            data-testid="slip-qr"
          >
            <rect x={-4} y={-4} width={qr.size + 8} height={qr.size + 8} fill="#fff" />
            <path d={qr.path} fill="#000" />
          </svg>
          <p className="mt-2 text-sm text-gray-700">{t("slip.code")}</p>
          <p className="font-mono text-3xl font-bold tracking-widest" data-testid="slip-code">
            {grouped(code)}
          </p>
          <a href={url} className="mt-1 break-all text-sm text-brand underline" data-testid="slip-link">
            {url}
          </a>
        </div>
        <p className="mt-3 text-sm text-gray-800">{t("slip.privacy")}</p>
        <div className="mt-4 flex gap-2 print:hidden">
          <Button variant="primary" className="flex-1" onClick={() => window.print()}>
            {t("slip.print")}
          </Button>
          <Button variant="plain" className="flex-1" onClick={onClose}>
            {t("slip.close")}
          </Button>
        </div>
      </div>
    </div>,
    document.body,
  );
}
