"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useSearchParams } from "next/navigation";
import { Suspense } from "react";
import { codeLabel, INDUSTRY, RENTAL_USE, ROOM_USE, UNIT_STATUS } from "@/domain/codes";
import { ErrorPanel, Loading } from "../../_components/controls";
import { useI18n } from "../../_components/i18n";
import { AppShell } from "../../_components/shell";
import { useTRPC } from "../../_components/trpc";
import { Breadcrumbs } from "../_parts";

function BuildingView({ id }: { id: string }) {
  const { t, locale } = useI18n();
  const trpc = useTRPC();
  const query = useQuery(trpc.building.get.queryOptions({ id }));
  if (query.isPending) return <Loading />;
  if (query.error) return <ErrorPanel message={query.error.message} onRetry={() => query.refetch()} />;
  const { building, breadcrumbs, rooms, units } = query.data;
  const floors = [...new Set(rooms.map((room) => `${room.unitNo ?? ""}|${room.floor}`))];
  return (
    <>
      <Breadcrumbs items={breadcrumbs} />
      <h1 className="mb-1 text-2xl font-bold">{building.address}</h1>
      <p className="mb-3 text-sm text-gray-600">
        {building.code}
        {building.floors != null && ` · ${t("register.buildingFloors", { floors: building.floors })}`}
      </p>
      {rooms.length === 0 && (
        <p className="rounded-xl bg-white p-6 text-center text-gray-700 shadow-sm">
          {t("register.emptyBuilding")}
        </p>
      )}
      {units.length > 0 && (
        <ul className="mb-3 flex flex-col gap-1 rounded-xl bg-white p-3 shadow-sm">
          {units.map((unit) => (
            <li key={unit.id} className="text-base">
              🏢 {unit.name}
            </li>
          ))}
        </ul>
      )}
      {floors.map((key) => {
        const [unitNo, floor] = key.split("|");
        const floorRooms = rooms.filter((room) => `${room.unitNo ?? ""}|${room.floor}` === key);
        return (
          <section key={key} className="mb-3">
            <h2 className="sticky top-[88px] z-[1] bg-gray-100 py-1 text-sm font-semibold text-gray-700">
              {unitNo && `${t("register.unitNo", { unit: unitNo })} · `}
              {t("register.floor", { floor })}
            </h2>
            <ul className="flex flex-col gap-2">
              {floorRooms.map((room) => (
                <li key={room.id} className="rounded-xl bg-white p-3 shadow-sm" data-testid="room">
                  <div className="flex items-baseline justify-between">
                    <span className="text-lg font-semibold">{t("register.room", { room: room.roomNo })}</span>
                    <span className="text-sm text-gray-600">{codeLabel(ROOM_USE, room.use, locale)}</span>
                  </div>
                  {room.households.length === 0 && room.rentals.length === 0 && room.units.length === 0 && (
                    <p className="text-sm text-gray-500">{t("register.vacantRoom")}</p>
                  )}
                  {room.households.map((household) => (
                    <Link
                      key={household.id}
                      href={`/register/household?id=${household.id}`}
                      className="mt-2 flex min-h-11 items-center justify-between rounded-lg border border-gray-200 px-3 active:bg-gray-50"
                    >
                      <span>
                        {t("register.head")} {household.headName || "—"}
                      </span>
                      <span className="text-sm text-gray-600">
                        {t("register.memberCount", { count: household.members })} ›
                      </span>
                    </Link>
                  ))}
                  {room.rentals.map((rental) => (
                    <p
                      key={rental.id}
                      className="mt-2 rounded-lg bg-amber-50 px-3 py-2 text-sm text-amber-950"
                    >
                      {t("register.rentals")} · {codeLabel(RENTAL_USE, rental.use, locale)} ·{" "}
                      {t("register.landlord")} {rental.landlordName} ·{" "}
                      {t("register.occupants", {
                        actual: rental.actualOccupants ?? rental.tenants,
                        max: rental.maxOccupants ?? "—",
                      })}
                    </p>
                  ))}
                  {room.units.map((unit) => (
                    <p key={unit.id} className="mt-2 rounded-lg bg-sky-50 px-3 py-2 text-sm text-sky-950">
                      {unit.name} · {codeLabel(INDUSTRY, unit.industry ?? "", locale)} ·{" "}
                      {codeLabel(UNIT_STATUS, unit.status, locale)}
                    </p>
                  ))}
                </li>
              ))}
            </ul>
          </section>
        );
      })}
    </>
  );
}

function BuildingPageBody() {
  const id = useSearchParams().get("id");
  return id ? <BuildingView id={id} /> : <Loading />;
}

export default function BuildingPage() {
  const { t } = useI18n();
  return (
    <AppShell title={t("register.buildings")}>
      <Suspense fallback={<Loading />}>
        <BuildingPageBody />
      </Suspense>
    </AppShell>
  );
}
