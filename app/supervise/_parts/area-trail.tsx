"use client";

import { useI18n } from "../../_components/i18n";

/**
 * Breadcrumbs of a supervisor's drill-down (the map, progress): from the caller's own area down to
 * the one in view; each area above is a button that goes back up to it. Nothing when the view is the
 * caller's own area.
 */
export function AreaTrail({
  trail,
  onPick,
}: {
  trail: readonly { id: string; name: string }[];
  /** The area chosen; undefined for the caller's own (the first step). */
  onPick(areaId: string | undefined): void;
}) {
  const { t } = useI18n();
  if (trail.length < 2) return null;
  return (
    <nav aria-label={t("map.trail")} data-testid="area-trail">
      <ol className="flex flex-wrap items-center gap-x-1 gap-y-1 text-base">
        {trail.map((step, i) => {
          const last = i === trail.length - 1;
          return (
            <li key={step.id} className="flex items-center gap-1">
              {i > 0 && (
                <span aria-hidden="true" className="text-gray-500">
                  ›
                </span>
              )}
              {last ? (
                <span aria-current="page" className="font-semibold">
                  {step.name}
                </span>
              ) : (
                <button
                  type="button"
                  onClick={() => onPick(i === 0 ? undefined : step.id)}
                  aria-label={t("map.trailUp", { name: step.name })}
                  className="min-h-11 px-1 text-brand underline underline-offset-2"
                >
                  {step.name}
                </button>
              )}
            </li>
          );
        })}
      </ol>
    </nav>
  );
}
