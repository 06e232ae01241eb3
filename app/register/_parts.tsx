"use client";

import Link from "next/link";
import { useI18n } from "../_components/i18n";

export interface Crumb {
  id: string;
  name: string;
  level: string;
}

export function Breadcrumbs({ items }: { items: Crumb[] }) {
  const { t } = useI18n();
  return (
    <nav aria-label={t("nav.register")} className="mb-3 overflow-x-auto whitespace-nowrap text-sm">
      {items.map((crumb, index) => (
        <span key={crumb.id}>
          {index > 0 && <span className="mx-1 text-gray-400">›</span>}
          <Link
            href={`/register?id=${crumb.id}`}
            className="inline-flex min-h-11 items-center text-brand underline-offset-2 hover:underline"
          >
            {crumb.name}
          </Link>
        </span>
      ))}
    </nav>
  );
}

export function Stat({ label, value }: { label: string; value: number | string }) {
  return (
    <span className="inline-flex items-baseline gap-1 text-sm text-gray-600">
      <span>{label}</span>
      <span className="text-base font-semibold tabular-nums text-gray-900">{value}</span>
    </span>
  );
}
