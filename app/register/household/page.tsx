"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import { useSearchParams } from "next/navigation";
import { Suspense, useState } from "react";
import { codeLabel, HOUSEHOLD_KIND, PERSON_TYPE, RELATION, SEX } from "@/domain/codes";
import { ErrorPanel, Loading } from "../../_components/controls";
import { useI18n } from "../../_components/i18n";
import { AppShell } from "../../_components/shell";
import { useTRPC } from "../../_components/trpc";
import { Breadcrumbs } from "../_parts";

interface Revealed {
  name: string;
  idNumber: string;
  phone: string | null;
}

function Member({
  member,
}: {
  member: {
    id: string;
    name: string;
    idNumber: string;
    phone: string | null;
    sex: string;
    age: number;
    relation: string | null;
    personType: string;
  };
}) {
  const { t, locale } = useI18n();
  const trpc = useTRPC();
  const [revealed, setRevealed] = useState<Revealed | null>(null);
  const reveal = useMutation(trpc.person.reveal.mutationOptions({ onSuccess: (data) => setRevealed(data) }));
  const shown = revealed ?? member;
  return (
    <li className="rounded-xl bg-white p-4 shadow-sm" data-testid="member">
      <div className="flex items-baseline justify-between gap-2">
        <span className="text-xl font-bold">{shown.name}</span>
        <span className="text-sm text-gray-700">
          {codeLabel(RELATION, member.relation ?? "", locale)} · {codeLabel(SEX, member.sex, locale)} ·{" "}
          {t("register.age", { age: member.age })}
        </span>
      </div>
      <dl className="mt-2 grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 text-base">
        <dt className="text-gray-600">{t("register.idNumber")}</dt>
        <dd className="font-mono tabular-nums" data-testid="id-number">
          {shown.idNumber}
        </dd>
        <dt className="text-gray-600">{t("register.phone")}</dt>
        <dd className="font-mono tabular-nums">{shown.phone ?? "—"}</dd>
        <dt className="text-gray-600">{t("register.personType")}</dt>
        <dd>{codeLabel(PERSON_TYPE, member.personType, locale)}</dd>
      </dl>
      <div className="mt-2 flex items-center gap-3">
        <button
          type="button"
          onClick={() => (revealed ? setRevealed(null) : reveal.mutate({ id: member.id }))}
          className="min-h-11 rounded-lg border border-brand px-3 text-sm font-medium text-brand"
        >
          {revealed ? t("register.hide") : t("register.reveal")}
        </button>
        {!revealed && <span className="text-xs text-gray-500">{t("register.revealHint")}</span>}
      </div>
      {reveal.error && <p className="mt-2 text-sm text-red-700">{reveal.error.message}</p>}
    </li>
  );
}

function HouseholdView({ id }: { id: string }) {
  const { t, locale } = useI18n();
  const trpc = useTRPC();
  const query = useQuery(trpc.household.get.queryOptions({ id }));
  if (query.isPending) return <Loading />;
  if (query.error) return <ErrorPanel message={query.error.message} onRetry={() => query.refetch()} />;
  const { household, room, address, breadcrumbs, members } = query.data;
  return (
    <>
      <Breadcrumbs items={breadcrumbs} />
      <h1 className="text-2xl font-bold">
        {address} {t("register.room", { room: room.roomNo })}
      </h1>
      <p className="mb-3 mt-1 flex flex-wrap gap-x-3 text-sm text-gray-700">
        <span>
          {t("register.householdNo")} {household.householdNo}
        </span>
        <span>{codeLabel(HOUSEHOLD_KIND, household.kind, locale)}</span>
        {household.lowIncome && <span className="font-semibold">{t("register.lowIncome")}</span>}
        {household.fiveGuarantee && <span className="font-semibold">{t("register.fiveGuarantee")}</span>}
      </p>
      <h2 className="mb-2 text-lg font-semibold">
        {t("register.members")} ({members.length})
      </h2>
      <ul className="flex flex-col gap-2">
        {members.map((member) => (
          <Member key={member.id} member={member} />
        ))}
      </ul>
    </>
  );
}

function HouseholdPageBody() {
  const id = useSearchParams().get("id");
  return id ? <HouseholdView id={id} /> : <Loading />;
}

export default function HouseholdPage() {
  const { t } = useI18n();
  return (
    <AppShell title={t("register.members")}>
      <Suspense fallback={<Loading />}>
        <HouseholdPageBody />
      </Suspense>
    </AppShell>
  );
}
