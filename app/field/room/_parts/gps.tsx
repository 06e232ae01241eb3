"use client";

import { useState } from "react";
import { distanceMeters, FAR_FROM_BUILDING_M } from "@/domain/geo";
import { useI18n } from "../../../_components/i18n";
import type { Position } from "../../_lib/record";
import { Button, Section } from "./ui";

type GpsState = { state: "idle" } | { state: "locating" } | { state: "failed"; reason: GpsFailure };
type GpsFailure = "denied" | "unavailable" | "timeout" | "unsupported";

/** Worse than this, the point may land on the next building: say so, but keep it. */
const POOR_ACCURACY_M = 50;

/** GPS is optional: a visit saves without it, and every failure says what to do next. */
export function GpsCard({
  position,
  building,
  onPosition,
}: {
  position: Position | null;
  /** The building's own point, when the register has one: a fix far from it is worth a second look. */
  building?: { lat: number; lng: number } | null;
  onPosition: (position: Position | null) => void;
}) {
  const { t } = useI18n();
  // The supervisor's review flags the same distance (FAR_FROM_BUILDING_M): say it at the door first.
  const distance = position && building ? Math.round(distanceMeters(position, building)) : null;
  const far = distance !== null && distance > FAR_FROM_BUILDING_M;
  const [gps, setGps] = useState<GpsState>({ state: "idle" });

  const locate = () => {
    if (typeof navigator === "undefined" || !("geolocation" in navigator)) {
      setGps({ state: "failed", reason: "unsupported" });
      return;
    }
    setGps({ state: "locating" });
    navigator.geolocation.getCurrentPosition(
      (p) => {
        onPosition({
          lat: Math.round(p.coords.latitude * 1e6) / 1e6,
          lng: Math.round(p.coords.longitude * 1e6) / 1e6,
          accuracyM: Math.round(p.coords.accuracy),
        });
        setGps({ state: "idle" });
      },
      (error) => {
        const reason: GpsFailure =
          error.code === error.PERMISSION_DENIED
            ? "denied"
            : error.code === error.TIMEOUT
              ? "timeout"
              : "unavailable";
        setGps({ state: "failed", reason });
      },
      { enableHighAccuracy: true, timeout: 20_000, maximumAge: 60_000 },
    );
  };

  return (
    <Section title={t("visit.gps.title")} testId="gps">
      {position && (
        <p className="mb-2 text-base" data-testid="gps-position">
          <span className="font-mono tabular-nums">
            {t("visit.gps.position", { lat: position.lat.toFixed(6), lng: position.lng.toFixed(6) })}
          </span>
          <br />
          <span className={position.accuracyM > POOR_ACCURACY_M ? "font-semibold text-amber-900" : ""}>
            {t("visit.gps.accuracy", { metres: position.accuracyM })}
            {position.accuracyM > POOR_ACCURACY_M && ` — ${t("visit.gps.poor")}`}
          </span>
        </p>
      )}
      {far && (
        <p
          role="alert"
          className="mb-2 rounded-lg border-2 border-status-revisit bg-amber-50 p-3 text-base text-amber-950"
          data-testid="gps-far"
        >
          {t("visit.gps.far", { metres: distance ?? 0, limit: FAR_FROM_BUILDING_M })}
        </p>
      )}
      {gps.state === "failed" && (
        <p
          role="alert"
          className="mb-2 rounded-lg bg-amber-50 p-3 text-base text-amber-950"
          data-testid="gps-error"
        >
          {t(`visit.gps.${gps.reason}`)}
        </p>
      )}
      <div className="grid grid-cols-2 gap-2">
        <Button
          variant="secondary"
          onClick={locate}
          disabled={gps.state === "locating"}
          className="col-span-1"
        >
          {gps.state === "locating"
            ? t("visit.gps.locating")
            : position
              ? t("visit.gps.again")
              : t("visit.gps.get")}
        </Button>
        {position && (
          <Button variant="plain" onClick={() => onPosition(null)}>
            {t("visit.gps.clear")}
          </Button>
        )}
      </div>
      {!position && gps.state !== "failed" && (
        <p className="mt-2 text-sm text-gray-700">{t("visit.gps.optional")}</p>
      )}
    </Section>
  );
}
