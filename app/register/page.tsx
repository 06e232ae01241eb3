"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useSearchParams } from "next/navigation";
import { Suspense } from "react";
import { ErrorPanel, Loading } from "../_components/controls";
import { useI18n } from "../_components/i18n";
import { AppShell } from "../_components/shell";
import { useTRPC } from "../_components/trpc";
import { Breadcrumbs, Stat } from "./_parts";

function AreaView() {
  const { t } = useI18n();
  const trpc = useTRPC();
  const id = useSearchParams().get("id") ?? undefined;
  const query = useQuery(trpc.area.get.queryOptions({ id }));
  if (query.isPending) return <Loading />;
  if (query.error) return <ErrorPanel message={query.error.message} onRetry={() => query.refetch()} />;
  const { area, breadcrumbs, children, buildings } = query.data;
  const empty = children.length === 0 && buildings.length === 0;
  return (
    <>
      <Breadcrumbs items={breadcrumbs.slice(0, -1)} />
      <h1 className="mb-3 text-2xl font-bold">
        {area.name}
        <span className="ml-2 align-middle text-sm font-normal text-gray-600">
          {t(`level.${area.level}`)} · {area.code}
        </span>
      </h1>
      {empty && (
        <p className="rounded-xl bg-white p-6 text-center text-gray-700 shadow-sm">
          {t("register.emptyArea")}
        </p>
      )}
      {children.length > 0 && (
        <ul className="flex flex-col gap-2" aria-label={t("register.children")}>
          {children.map((child) => (
            <li key={child.id}>
              <Link
                href={`/register?id=${child.id}`}
                className="flex min-h-14 flex-col gap-1 rounded-xl bg-white px-4 py-3 shadow-sm active:bg-gray-50"
              >
                <span className="text-lg font-semibold">{child.name}</span>
                <span className="flex gap-4">
                  <Stat label={t("register.households")} value={child.households} />
                  <Stat label={t("register.persons")} value={child.persons} />
                </span>
              </Link>
            </li>
          ))}
        </ul>
      )}
      {buildings.length > 0 && (
        <ul className="flex flex-col gap-2" aria-label={t("register.buildings")}>
          {buildings.map((building) => (
            <li key={building.id}>
              <Link
                href={`/register/building?id=${building.id}`}
                className="flex min-h-14 flex-col gap-1 rounded-xl bg-white px-4 py-3 shadow-sm active:bg-gray-50"
              >
                <span className="text-lg font-semibold">{building.address}</span>
                <span className="flex flex-wrap gap-x-4">
                  {building.floors != null && (
                    <span className="text-sm text-gray-600">
                      {t("register.buildingFloors", { floors: building.floors })}
                    </span>
                  )}
                  <Stat label={t("register.rooms")} value={building.rooms} />
                  <Stat label={t("register.households")} value={building.households} />
                </span>
              </Link>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

export default function RegisterPage() {
  const { t } = useI18n();
  return (
    <AppShell title={t("register.title")}>
      <Suspense fallback={<Loading />}>
        <AreaView />
      </Suspense>
    </AppShell>
  );
}
