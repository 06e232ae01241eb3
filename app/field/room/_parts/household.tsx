"use client";

import { useState } from "react";
import { codeLabel, HOUSEHOLD_KIND, PERSON_TYPE, RELATION, SEX } from "@/domain/codes";
import { maskIdNumber, maskPhone } from "@/domain/mask";
import { diffFields, MEMBER_FIELDS, type MemberFormOutput } from "@/domain/visit";
import { useI18n } from "../../../_components/i18n";
import type { MemberAction, NewMember } from "../../_lib/record";
import type { Row } from "../../_lib/store";
import { ActionBar } from "./action-bar";
import { useRoom } from "./context";
import { DiffList } from "./diff-list";
import { HouseholdFacts } from "./facts";
import { ResidentFeedback, SlipButton } from "./feedback";
import { EndForm, PersonForm } from "./lazy-forms";
import { ageOf, Button, Mark, personItemProps, Section } from "./ui";

/** The person's one-line summary: relation · sex · age. */
export function PersonLine({ person }: { person: Row }) {
  const { t, locale } = useI18n();
  const age = ageOf(person.birthDate);
  const parts = [
    codeLabel(SEX, String(person.sex ?? ""), locale) || null,
    age !== null ? t("register.age", { age }) : null,
    person.personType && person.personType !== "01"
      ? codeLabel(PERSON_TYPE, String(person.personType), locale)
      : null,
  ].filter(Boolean);
  return <span className="text-base text-gray-800">{parts.join(" · ")}</span>;
}

/** Masked by default; a tap shows the number in full to check it against the card in hand. */
export function MaskedValue({ value, kind }: { value: unknown; kind: "id" | "phone" }) {
  const { t } = useI18n();
  const [shown, setShown] = useState(false);
  const text = typeof value === "string" ? value : "";
  if (!text) return <span className="text-gray-600">—</span>;
  return (
    <button
      type="button"
      onClick={() => setShown((s) => !s)}
      aria-label={shown ? t("register.hide") : t("register.reveal")}
      className="min-h-11 text-left font-mono text-base tabular-nums text-gray-950 underline decoration-dotted underline-offset-4"
    >
      {shown ? text : kind === "id" ? maskIdNumber(text) : maskPhone(text)}
    </button>
  );
}

function MemberItem({ member }: { member: Row }) {
  const { t, locale } = useI18n();
  const { data, draft, update, openForm, closeForm, setOpenValues, initialFor, found } = useRoom();
  const awaitingReview = data.awaitingReview;
  const action = draft.members[member.id];
  const open = draft.open?.key;
  const setAction = (next?: MemberAction) =>
    update((d) => {
      const members = { ...d.members };
      if (next) members[member.id] = next;
      else delete members[member.id];
      return { ...d, members, open: null };
    });
  const diffs = action?.kind === "correct" ? diffFields(member, action.values, MEMBER_FIELDS) : [];
  const formKey = (kind: string) => `${kind}:${member.id}`;

  return (
    <li {...personItemProps(member.id, found, "member")}>
      <div className="flex flex-wrap items-center justify-between gap-2">
        <span className="text-xl font-bold">{member.name as string}</span>
        {found === member.id && <Mark tone="found">{t("visit.member.found")}</Mark>}
        {awaitingReview?.[member.id] && !action && (
          <Mark tone="review">{t("visit.member.awaitingReview")}</Mark>
        )}
        {action?.kind === "confirm" && <Mark tone="done">{t("visit.member.confirmed")}</Mark>}
        {action?.kind === "correct" && <Mark tone="changed">{t("visit.member.corrected")}</Mark>}
        {action?.kind === "moved_out" && <Mark tone="ended">{t("visit.member.movedOut")}</Mark>}
        {action?.kind === "deceased" && <Mark tone="ended">{t("visit.member.deceased")}</Mark>}
      </div>
      <PersonLine person={member} />
      <dl className="mt-1 grid grid-cols-[auto_1fr] items-center gap-x-3 text-base">
        <dt className="text-gray-700">{t("register.relation")}</dt>
        <dd className="min-h-8 py-1 font-semibold">
          {codeLabel(RELATION, String(member.relation ?? ""), locale) || "—"}
        </dd>
        <dt className="text-gray-700">{t("register.idNumber")}</dt>
        <dd>
          <MaskedValue value={member.idNumber} kind="id" />
        </dd>
        <dt className="text-gray-700">{t("register.phone")}</dt>
        <dd>
          <MaskedValue value={member.phone} kind="phone" />
        </dd>
      </dl>
      <DiffList diffs={diffs} />
      {action?.kind === "moved_out" && (
        <p className="mt-1 text-base">
          {t("visit.member.destination", { place: action.destination ?? "—" })}
        </p>
      )}
      {action?.kind === "deceased" && (
        <p className="mt-1 text-base">{t("visit.member.deathDate", { date: action.date })}</p>
      )}

      {open === formKey("correct") ? (
        <PersonForm
          kind="member"
          register={member}
          initial={initialFor(formKey("correct")) ?? (action?.kind === "correct" ? action.values : undefined)}
          title={t("visit.member.correctTitle", { name: String(member.name) })}
          submitLabel={t("visit.apply")}
          onValues={setOpenValues}
          onCancel={closeForm}
          onSubmit={(values) => {
            const output = values as MemberFormOutput;
            const changed = diffFields(member, output, MEMBER_FIELDS).length > 0;
            setAction(changed ? { kind: "correct", values: output } : { kind: "confirm" });
          }}
        />
      ) : open === formKey("moved") ? (
        <EndForm
          kind="moved_out"
          title={t("visit.member.movedOutTitle", { name: String(member.name) })}
          initial={initialFor(formKey("moved"))}
          onValues={setOpenValues}
          onCancel={closeForm}
          onSubmit={(values) =>
            setAction({ kind: "moved_out", destination: (values.destination as string | null) ?? null })
          }
        />
      ) : open === formKey("deceased") ? (
        <EndForm
          kind="deceased"
          title={t("visit.member.deceasedTitle", { name: String(member.name) })}
          initial={initialFor(formKey("deceased"))}
          onValues={setOpenValues}
          onCancel={closeForm}
          onSubmit={(values) => setAction({ kind: "deceased", date: String(values.date) })}
        />
      ) : (
        <ActionBar
          chosen={action}
          onConfirm={() => setAction({ kind: "confirm" })}
          onCorrect={() => openForm(formKey("correct"))}
          onUndo={() => setAction(undefined)}
          endings={
            <>
              <Button variant="plain" onClick={() => openForm(formKey("moved"))}>
                {t("visit.member.moveOut")}
              </Button>
              <Button variant="danger" onClick={() => openForm(formKey("deceased"))}>
                {t("visit.member.died")}
              </Button>
            </>
          }
        />
      )}
    </li>
  );
}

function NewMemberItem({ member }: { member: NewMember }) {
  const { t, locale } = useI18n();
  const { update } = useRoom();
  const person = member.values as unknown as Row;
  return (
    <li className="rounded-lg border-2 border-status-approved p-3" data-testid="new-member">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <span className="text-xl font-bold">{member.values.name}</span>
        <Mark tone="changed">{t("visit.member.added")}</Mark>
      </div>
      <PersonLine person={person} />
      <p className="text-base">
        {t("register.relation")} {codeLabel(RELATION, member.values.relation ?? "", locale) || "—"}
      </p>
      <p className="font-mono text-base tabular-nums">{maskIdNumber(member.values.idNumber)}</p>
      <Button
        variant="plain"
        className="mt-2 w-full"
        onClick={() => update((d) => ({ ...d, newMembers: d.newMembers.filter((m) => m.id !== member.id) }))}
      >
        {t("visit.remove")}
      </Button>
    </li>
  );
}

function HouseholdCard({
  household,
  isNew,
}: {
  household: Row | { id: string; kind: string };
  isNew: boolean;
}) {
  const { t, locale } = useI18n();
  const { data, draft, update, openForm, closeForm, setOpenValues, initialFor } = useRoom();
  const members = isNew ? [] : (data.members[household.id] ?? []);
  const added = draft.newMembers.filter((m) => m.householdId === household.id);
  const handled = members.filter((m) => m.id in draft.members).length;
  const addKey = `add:${household.id}`;
  const row = household as Row;
  return (
    <div className="mb-3 last:mb-0" data-testid="household">
      <div className="mb-2 flex flex-wrap items-center justify-between gap-2">
        <span className="text-base font-semibold text-gray-900">
          {isNew
            ? t("visit.household.new")
            : t("visit.household.title", {
                no: String(row.householdNo ?? "—"),
                kind: codeLabel(HOUSEHOLD_KIND, String(row.kind ?? ""), locale),
              })}
        </span>
        {isNew && added.length === 0 && (
          <Button
            variant="plain"
            onClick={() =>
              update((d) => ({ ...d, newHouseholds: d.newHouseholds.filter((h) => h.id !== household.id) }))
            }
          >
            {t("visit.remove")}
          </Button>
        )}
        {members.length > 0 && (
          <span className="text-sm text-gray-800" data-testid="household-progress">
            {t("visit.household.progress", { done: handled, total: members.length })}
          </span>
        )}
        {!isNew && <SlipButton household={row} />}
      </div>
      {!isNew && <HouseholdFacts household={row} />}
      {!isNew && <ResidentFeedback householdId={household.id} />}
      {members.length > 0 && handled < members.length && (
        <Button
          variant="primary"
          className="mb-2 w-full"
          onClick={() =>
            update((d) => {
              const next = { ...d.members };
              for (const m of members) if (!(m.id in next)) next[m.id] = { kind: "confirm" };
              return { ...d, members: next, open: null };
            })
          }
        >
          {t("visit.household.confirmAll")}
        </Button>
      )}
      <ul className="flex flex-col gap-2">
        {members.map((member) => (
          <MemberItem key={member.id} member={member} />
        ))}
        {added.map((member) => (
          <NewMemberItem key={member.id} member={member} />
        ))}
      </ul>
      {draft.open?.key === addKey ? (
        <PersonForm
          kind="member"
          initial={initialFor(addKey)}
          title={t("visit.member.addTitle")}
          submitLabel={t("visit.member.addSubmit")}
          onValues={setOpenValues}
          onCancel={closeForm}
          onSubmit={(values) =>
            update((d) => ({
              ...d,
              open: null,
              newMembers: [
                ...d.newMembers,
                { id: crypto.randomUUID(), householdId: household.id, values: values as MemberFormOutput },
              ],
            }))
          }
        />
      ) : (
        <Button className="mt-2 w-full" onClick={() => openForm(addKey)}>
          {t("visit.member.add")}
        </Button>
      )}
    </div>
  );
}

function useAddHousehold() {
  const { update } = useRoom();
  return () =>
    update((d) => ({ ...d, newHouseholds: [...d.newHouseholds, { id: crypto.randomUUID(), kind: "1" }] }));
}

/** Households: shown when the room has one, or has nothing else registered. */
export function HouseholdsSection() {
  const { t } = useI18n();
  const { data, draft } = useRoom();
  const addHousehold = useAddHousehold();
  const any = data.households.length + draft.newHouseholds.length > 0;
  const otherSubjects = data.rentals.length + data.units.length > 0;
  if (!any && otherSubjects) return null;
  return (
    <Section title={t("visit.households")} testId="households">
      {!any && <p className="mb-2 text-base text-gray-800">{t("visit.household.none")}</p>}
      {data.households.map((household) => (
        <HouseholdCard key={household.id} household={household} isNew={false} />
      ))}
      {draft.newHouseholds.map((household) => (
        <HouseholdCard key={household.id} household={household} isNew />
      ))}
      {(!any || draft.outcome === "new_household") && (
        <Button variant="plain" className="mt-2 w-full" onClick={addHousehold}>
          {t("visit.household.add")}
        </Button>
      )}
    </Section>
  );
}

/** A shop or a let room found lived in by a household: offered quietly after the other subjects. */
export function AddHouseholdQuietly() {
  const { t } = useI18n();
  const { data, draft } = useRoom();
  const addHousehold = useAddHousehold();
  const any = data.households.length + draft.newHouseholds.length > 0;
  if (any || data.rentals.length + data.units.length === 0) return null;
  return (
    <Button variant="plain" className="mb-3 w-full" onClick={addHousehold}>
      {t("visit.household.add")}
    </Button>
  );
}
