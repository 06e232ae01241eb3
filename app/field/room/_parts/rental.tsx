"use client";

import { codeLabel, HAZARD_LEVEL, RENTAL_USE } from "@/domain/codes";
import { maskIdNumber } from "@/domain/mask";
import { MAX } from "@/domain/text-limits";
import { diffFields, RENTAL_FIELDS, type TenantFormOutput } from "@/domain/visit";
import { useI18n } from "../../../_components/i18n";
import { observedOccupants, type RentalAction } from "../../_lib/record";
import type { Row } from "../../_lib/store";
import { ActionBar } from "./action-bar";
import { useRoom } from "./context";
import { DiffList } from "./diff-list";
import { MaskedValue, PersonLine } from "./household";
import { EndForm, PersonForm, RecordForm } from "./lazy-forms";
import type { RecordFieldSpec } from "./record-form";
import { Button, Mark, personItemProps, Section } from "./ui";

const RENTAL_FORM: RecordFieldSpec[] = [
  { name: "landlordName", label: "visit.rental.landlordName", kind: "text", max: MAX.name },
  { name: "landlordIdNumber", label: "visit.rental.landlordIdNumber", kind: "text" },
  { name: "landlordPhone", label: "visit.rental.landlordPhone", kind: "tel" },
  { name: "use", label: "visit.rental.use", kind: "select", table: RENTAL_USE },
  { name: "areaM2", label: "visit.rental.areaM2", kind: "number" },
  { name: "roomsLet", label: "visit.rental.roomsLet", kind: "number" },
  { name: "monthlyRent", label: "visit.rental.monthlyRent", kind: "number" },
  { name: "filingNo", label: "visit.rental.filingNo", kind: "text", max: MAX.shortText },
  { name: "leaseStart", label: "visit.rental.leaseStart", kind: "date" },
  { name: "leaseEnd", label: "visit.rental.leaseEnd", kind: "date" },
  { name: "maxOccupants", label: "visit.rental.maxOccupants", kind: "number" },
  {
    name: "fireExtinguisher",
    label: "visit.rental.fireExtinguisher",
    kind: "bool",
    yes: "visit.rental.has",
    no: "visit.rental.hasNot",
  },
  {
    name: "escapeRoute",
    label: "visit.rental.escapeRoute",
    kind: "bool",
    yes: "visit.rental.clear",
    no: "visit.rental.blocked",
  },
  { name: "hazardLevel", label: "visit.rental.hazardLevel", kind: "select", table: HAZARD_LEVEL },
  { name: "hazardNote", label: "visit.rental.hazardNote", kind: "textarea", max: MAX.note },
];

function yesNo(value: unknown, yes: string, no: string, t: (k: string) => string): string {
  if (value === true) return t(yes);
  if (value === false) return t(no);
  return t("visit.unknown");
}

function Occupancy({ rental }: { rental: Row }) {
  const { t } = useI18n();
  const { data, draft, update } = useRoom();
  const actual = observedOccupants(data, draft, rental);
  const action = draft.rentals[rental.id];
  const max = (action?.kind === "correct" ? action.values.maxOccupants : rental.maxOccupants) as
    | number
    | null;
  const over = actual !== null && max !== null && max !== undefined && actual > max;
  const set = (n: number) =>
    update((d) => ({ ...d, occupants: { ...d.occupants, [rental.id]: Math.max(0, n) } }));
  return (
    <div className="mt-2 rounded-lg bg-gray-50 p-2" data-testid="occupancy">
      <div className="flex items-center justify-between gap-2">
        <span className="text-base font-semibold">{t("visit.rental.actualOccupants")}</span>
        <div className="flex items-center gap-2">
          <Button
            variant="plain"
            className="min-w-11 text-xl"
            aria-label={t("visit.rental.fewer")}
            onClick={() => set((actual ?? 0) - 1)}
          >
            −
          </Button>
          <span className="min-w-8 text-center text-2xl font-bold tabular-nums" data-testid="occupants">
            {actual ?? "—"}
          </span>
          <Button
            variant="plain"
            className="min-w-11 text-xl"
            aria-label={t("visit.rental.more")}
            onClick={() => set((actual ?? 0) + 1)}
          >
            +
          </Button>
        </div>
      </div>
      <p className="mt-1 text-base">{t("register.occupants", { actual: actual ?? "—", max: max ?? "—" })}</p>
      {over && (
        <p
          role="alert"
          className="mt-1 rounded-md bg-amber-100 p-2 text-base font-semibold text-amber-950"
          data-testid="over-occupied"
        >
          {t("visit.rental.overOccupied", { actual, max })}
        </p>
      )}
    </div>
  );
}

function Tenants({ rental }: { rental: Row }) {
  const { t } = useI18n();
  const { data, draft, update, openForm, closeForm, setOpenValues, initialFor, found } = useRoom();
  const tenants = data.tenants[rental.id] ?? [];
  const added = draft.newTenants.filter((n) => n.rentalId === rental.id);
  const addKey = `tenant:${rental.id}`;
  return (
    <div className="mt-3">
      <h3 className="mb-2 text-base font-bold">
        {t("register.tenants")} (
        {tenants.length - tenants.filter((x) => x.link.id in draft.endedTenancies).length + added.length})
      </h3>
      <ul className="flex flex-col gap-2">
        {tenants.map(({ link, person }) => {
          const ended = draft.endedTenancies[link.id];
          const endKey = `leave:${link.id}`;
          return (
            <li key={link.id} {...personItemProps(String(link.personId), found, "tenant")}>
              <div className="flex flex-wrap items-center justify-between gap-2">
                <span className="text-lg font-bold">{(person?.name as string) ?? "—"}</span>
                {found === link.personId && <Mark tone="found">{t("visit.member.found")}</Mark>}
                {ended && <Mark tone="ended">{t("visit.tenant.left", { date: ended.date })}</Mark>}
              </div>
              {person && <PersonLine person={person} />}
              <div className="flex flex-wrap items-center gap-x-3 text-base">
                <MaskedValue value={person?.idNumber} kind="id" />
                {link.moveInDate ? (
                  <span className="text-gray-800">
                    {t("visit.tenant.movedIn", { date: String(link.moveInDate) })}
                  </span>
                ) : null}
              </div>
              {draft.open?.key === endKey ? (
                <EndForm
                  kind="tenancy"
                  title={t("visit.tenant.leaveTitle", { name: String(person?.name ?? "") })}
                  initial={initialFor(endKey)}
                  onValues={setOpenValues}
                  onCancel={closeForm}
                  onSubmit={(values) =>
                    update((d) => ({
                      ...d,
                      open: null,
                      endedTenancies: { ...d.endedTenancies, [link.id]: { date: String(values.date) } },
                    }))
                  }
                />
              ) : ended ? (
                <Button
                  variant="plain"
                  className="mt-2 w-full"
                  onClick={() =>
                    update((d) => {
                      const next = { ...d.endedTenancies };
                      delete next[link.id];
                      return { ...d, endedTenancies: next };
                    })
                  }
                >
                  {t("visit.undo")}
                </Button>
              ) : (
                <Button variant="plain" className="mt-2 w-full" onClick={() => openForm(endKey)}>
                  {t("visit.tenant.leave")}
                </Button>
              )}
            </li>
          );
        })}
        {added.map((tenant) => (
          <li
            key={tenant.id}
            className="rounded-lg border-2 border-status-approved p-3"
            data-testid="new-tenant"
          >
            <div className="flex flex-wrap items-center justify-between gap-2">
              <span className="text-lg font-bold">{tenant.values.name}</span>
              <Mark tone="changed">{t("visit.member.added")}</Mark>
            </div>
            <PersonLine person={tenant.values as unknown as Row} />
            <p className="font-mono text-base tabular-nums">{maskIdNumber(tenant.values.idNumber)}</p>
            <Button
              variant="plain"
              className="mt-2 w-full"
              onClick={() =>
                update((d) => ({ ...d, newTenants: d.newTenants.filter((n) => n.id !== tenant.id) }))
              }
            >
              {t("visit.remove")}
            </Button>
          </li>
        ))}
      </ul>
      {draft.open?.key === addKey ? (
        <PersonForm
          kind="tenant"
          initial={initialFor(addKey)}
          title={t("visit.tenant.addTitle")}
          submitLabel={t("visit.member.addSubmit")}
          onValues={setOpenValues}
          onCancel={closeForm}
          onSubmit={(values) =>
            update((d) => ({
              ...d,
              open: null,
              newTenants: [
                ...d.newTenants,
                {
                  id: crypto.randomUUID(),
                  linkId: crypto.randomUUID(),
                  rentalId: rental.id,
                  values: values as TenantFormOutput,
                },
              ],
            }))
          }
        />
      ) : (
        <Button className="mt-2 w-full" onClick={() => openForm(addKey)}>
          {t("visit.tenant.add")}
        </Button>
      )}
    </div>
  );
}

function RentalCard({ rental }: { rental: Row }) {
  const { t, locale } = useI18n();
  const { draft, update, openForm, closeForm, setOpenValues, initialFor } = useRoom();
  const action = draft.rentals[rental.id];
  const key = `rental:${rental.id}`;
  const setAction = (next?: RentalAction) =>
    update((d) => {
      const rentals = { ...d.rentals };
      if (next) rentals[rental.id] = next;
      else delete rentals[rental.id];
      return { ...d, rentals, open: null };
    });
  const shown = action?.kind === "correct" ? { ...rental, ...action.values } : rental;
  const diffs = action?.kind === "correct" ? diffFields(rental, action.values, RENTAL_FIELDS) : [];
  return (
    <div className="mb-3 last:mb-0" data-testid="rental">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <span className="text-lg font-bold">
          {t("register.landlord")} {String(rental.landlordName ?? "—")}
        </span>
        {action?.kind === "confirm" && <Mark tone="done">{t("visit.member.confirmed")}</Mark>}
        {action?.kind === "correct" && <Mark tone="changed">{t("visit.member.corrected")}</Mark>}
        {action?.kind === "ended" && <Mark tone="ended">{t("visit.rental.ended")}</Mark>}
      </div>
      <dl className="mt-1 grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 text-base">
        <dt className="text-gray-700">{t("visit.rental.use")}</dt>
        <dd>
          {codeLabel(RENTAL_USE, String(shown.use ?? ""), locale) || "—"}
          {shown.areaM2 != null && ` · ${t("visit.rental.area", { area: String(shown.areaM2) })}`}
        </dd>
        <dt className="text-gray-700">{t("visit.rental.filingNo")}</dt>
        <dd>
          {shown.filingNo ? (
            <span className="tabular-nums">{String(shown.filingNo)}</span>
          ) : (
            <Mark tone="warn">{t("visit.rental.notFiled")}</Mark>
          )}
        </dd>
        <dt className="text-gray-700">{t("visit.rental.fireSafety")}</dt>
        <dd>
          {t("visit.rental.fireExtinguisher")}{" "}
          {yesNo(shown.fireExtinguisher, "visit.rental.has", "visit.rental.hasNot", t)} ·{" "}
          {t("visit.rental.escapeRoute")}{" "}
          {yesNo(shown.escapeRoute, "visit.rental.clear", "visit.rental.blocked", t)}
        </dd>
        <dt className="text-gray-700">{t("visit.rental.hazardLevel")}</dt>
        <dd>
          {codeLabel(HAZARD_LEVEL, String(shown.hazardLevel ?? ""), locale) || "—"}
          {shown.hazardNote ? ` · ${String(shown.hazardNote)}` : ""}
        </dd>
      </dl>
      <DiffList diffs={diffs} />
      {draft.open?.key === key ? (
        <RecordForm
          testId="rental-form"
          kind="rental"
          fields={RENTAL_FORM}
          register={rental}
          initial={
            initialFor(key) ?? (action?.kind === "correct" ? { ...rental, ...action.values } : undefined)
          }
          title={t("visit.rental.correctTitle")}
          onValues={setOpenValues}
          onCancel={closeForm}
          onSubmit={(values) =>
            setAction(
              diffFields(rental, values, RENTAL_FIELDS).length > 0
                ? { kind: "correct", values }
                : { kind: "confirm" },
            )
          }
        />
      ) : (
        <ActionBar
          chosen={action}
          onConfirm={() => setAction({ kind: "confirm" })}
          onCorrect={() => openForm(key)}
          onUndo={() => setAction(undefined)}
          endings={
            <Button variant="danger" className="col-span-2" onClick={() => setAction({ kind: "ended" })}>
              {t("visit.rental.end")}
            </Button>
          }
        />
      )}
      {action?.kind !== "ended" && (
        <>
          <Occupancy rental={rental} />
          <Tenants rental={rental} />
        </>
      )}
    </div>
  );
}

export function RentalsSection() {
  const { t } = useI18n();
  const { data } = useRoom();
  if (data.rentals.length === 0) return null;
  return (
    <Section title={t("register.rentals")} testId="rentals">
      {data.rentals.map((rental) => (
        <RentalCard key={rental.id} rental={rental} />
      ))}
    </Section>
  );
}
