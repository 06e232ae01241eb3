"use client";

import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import type { AreaChoice } from "@/domain/users";
import { useI18n } from "../../../_components/i18n";
import { useTRPC } from "../../../_components/trpc";

export const SELECT_CLASS =
  "min-h-11 w-full rounded-lg border border-gray-400 bg-white px-2 text-base text-gray-900 aria-[invalid=true]:border-red-700";

/**
 * An area of the manager's, chosen a level at a time (street → community → grid): a city's grids
 * would never fit one select. Each level offers its area itself ("本级") and its children; the value is
 * the deepest area chosen. `emptyLabel` is the first select's empty choice (none chosen, or no filter).
 */
export function AreaPicker({
  id,
  label,
  emptyLabel,
  onChange,
  describedBy,
  invalid,
  row = false,
}: {
  /** Levels side by side on a wide screen (a form), rather than stacked (a narrow filter). */
  row?: boolean;
  id: string;
  label: string;
  emptyLabel: string;
  onChange: (area: AreaChoice | null) => void;
  describedBy?: string;
  invalid?: boolean;
}) {
  const trpc = useTRPC();
  const root = useQuery(trpc.user.areas.queryOptions({}));
  // The id chosen at each level; "" at a nested level means "this level" of the one above.
  const [chain, setChain] = useState<string[]>([]);
  const [named, setNamed] = useState<Record<string, AreaChoice>>({});

  if (!root.data) {
    return (
      <select id={id} disabled className={SELECT_CLASS} aria-describedby={describedBy}>
        <option>{emptyLabel}</option>
      </select>
    );
  }
  const rootArea = root.data.area;
  const choose = (depth: number, areaId: string, options: AreaChoice[]) => {
    const next = [...chain.slice(0, depth), areaId];
    setChain(next);
    const known = { ...named };
    for (const option of options) known[option.id] = option;
    setNamed(known);
    const deepest = [...next].reverse().find(Boolean);
    onChange(deepest ? (known[deepest] ?? null) : null);
  };
  const first = chain[0] ?? "";
  const firstOptions = [rootArea, ...root.data.children];
  return (
    <div className={row ? "grid gap-2 md:grid-cols-2 lg:grid-cols-4" : "flex flex-col gap-2"}>
      <select
        id={id}
        value={first}
        onChange={(event) => choose(0, event.target.value, firstOptions)}
        aria-describedby={describedBy}
        aria-invalid={invalid || undefined}
        className={SELECT_CLASS}
      >
        <option value="">{emptyLabel}</option>
        <Options self={rootArea} areas={root.data.children} />
      </select>
      {chain.map((areaId, depth) =>
        areaId && areaId !== rootArea.id ? (
          <Level
            // biome-ignore lint/suspicious/noArrayIndexKey: a level is its depth; it remounts when the one above changes
            key={`${depth}-${areaId}`}
            parent={named[areaId]}
            label={label}
            value={chain[depth + 1] ?? ""}
            onChoose={(value, options) => choose(depth + 1, value, options)}
          />
        ) : null,
      )}
    </div>
  );
}

function Options({ self, areas }: { self: AreaChoice; areas: AreaChoice[] }) {
  const { t } = useI18n();
  return (
    <>
      <option value={self.id}>{t("users.area.self", { name: self.name })}</option>
      {areas.map((area) => (
        <option key={area.id} value={area.id}>
          {area.name}
        </option>
      ))}
    </>
  );
}

/** The children of one chosen area, when it has any. */
function Level({
  parent,
  label,
  value,
  onChoose,
}: {
  parent: AreaChoice | undefined;
  label: string;
  value: string;
  onChoose: (areaId: string, options: AreaChoice[]) => void;
}) {
  const { t } = useI18n();
  const trpc = useTRPC();
  const query = useQuery({ ...trpc.user.areas.queryOptions({ parentId: parent?.id }), enabled: !!parent });
  const children = query.data?.children ?? [];
  if (!parent || children.length === 0) return null;
  return (
    <select
      value={value}
      onChange={(event) => onChoose(event.target.value, children)}
      aria-label={`${label} · ${t(`users.area.level.${children[0].level}`)}`}
      className={SELECT_CLASS}
    >
      <option value="">{t("users.area.self", { name: parent.name })}</option>
      {children.map((area) => (
        <option key={area.id} value={area.id}>
          {area.name}
        </option>
      ))}
    </select>
  );
}
