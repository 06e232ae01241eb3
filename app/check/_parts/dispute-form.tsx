"use client";

import { type FormEvent, Fragment, type ReactNode, useId, useRef, useState } from "react";
import {
  type CheckDisputeInput,
  type CheckLookupInput,
  checkDisputeInput,
  type DisputeField,
  HOUSEHOLD_DISPUTE_FIELDS,
  MEMBER_DISPUTE_FIELDS,
} from "@/domain/check";
import { zodIssueKey } from "@/domain/schemas/issues";
import { useI18n } from "../../_components/i18n";
import { AddressLine, type CheckMember, type CheckView, useRelationLabel } from "./household-view";
import { CARD, FieldError, INPUT_CLASS, type Message, PRIMARY_BUTTON, SECONDARY_BUTTON } from "./ui";

const HOUSEHOLD_FIELDS = HOUSEHOLD_DISPUTE_FIELDS;
const MEMBER_FIELDS = MEMBER_DISPUTE_FIELDS;

const FIELD_COMMENT_MAX = 200;
const COMMENT_MAX = 500;

/** One ticked item: the household's (personId null) or a member's field. */
type TickKey = `${string}:${DisputeField}`;
const tickKey = (personId: string | null, field: DisputeField): TickKey =>
  `${personId ?? "household"}:${field}`;

interface Errors {
  fields?: Message;
  comment?: Message;
  phone?: Message;
  /** Comments of ticked fields, by tick key. */
  fieldComments?: Record<string, Message>;
}

/**
 * What is wrong: household-level items (address, members missing or extra) and, per member, the
 * particulars to dispute, each with an optional note of what is right; a general comment and a phone
 * to be called back on. Checked with checkDisputeInput itself before it is sent.
 */
export function DisputeForm({
  view,
  proof,
  pending,
  serverError,
  onSend,
  onBack,
}: {
  view: CheckView;
  proof: CheckLookupInput;
  pending: boolean;
  serverError: string | null;
  onSend: (input: CheckDisputeInput) => void;
  onBack: () => void;
}) {
  const { t } = useI18n();
  const ids = useId();
  const relationLabel = useRelationLabel();
  // Insertion order is the order ticked; the payload lists them in the form's order instead.
  const [ticked, setTicked] = useState<Record<TickKey, string>>({});
  const [comment, setComment] = useState("");
  const [phone, setPhone] = useState("");
  const [errors, setErrors] = useState<Errors>({});
  const firstBox = useRef<HTMLInputElement>(null);
  const phoneInput = useRef<HTMLInputElement>(null);
  const commentInput = useRef<HTMLTextAreaElement>(null);

  const order: { personId: string | null; field: DisputeField }[] = [
    ...HOUSEHOLD_FIELDS.map((field) => ({ personId: null, field })),
    ...view.members.flatMap((m) => MEMBER_FIELDS.map((field) => ({ personId: m.id, field }))),
  ];

  const toggle = (key: TickKey, on: boolean) => {
    setTicked((was) => {
      const next = { ...was };
      if (on) next[key] = was[key] ?? "";
      else delete next[key];
      return next;
    });
    if (on) setErrors((was) => ({ ...was, fields: undefined }));
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const fields = order
      .filter(({ personId, field }) => tickKey(personId, field) in ticked)
      .map(({ personId, field }) => ({ personId, field, comment: ticked[tickKey(personId, field)] }));
    const parsed = checkDisputeInput.safeParse({ ...proof, fields, comment, phone: phone.trim() || null });
    if (parsed.success) {
      setErrors({});
      onSend(parsed.data);
      return;
    }
    const next: Errors = {};
    for (const issue of parsed.error.issues) {
      const [head, index, leaf] = issue.path;
      const { key, params } = zodIssueKey(issue);
      if (head === "fields" && typeof index === "number" && leaf === "comment") {
        const f = fields[index];
        next.fieldComments ??= {};
        next.fieldComments[tickKey(f.personId, f.field)] ??= { key, params };
      } else if (head === "fields") next.fields ??= { key: "check.page.pickOne" };
      else if (head === "comment") next.comment ??= { key, params };
      else if (head === "phone") next.phone ??= { key, params };
      // name, ID number and code were checked by the lookup and are not the resident's to fix here.
    }
    setErrors(next);
    if (next.fields) firstBox.current?.focus();
    else if (next.phone) phoneInput.current?.focus();
    else if (next.comment) commentInput.current?.focus();
  };

  const fieldsErrorId = `${ids}-fields-error`;
  const describeFields = errors.fields ? fieldsErrorId : undefined;

  const renderGroup = (
    personId: string | null,
    fields: readonly DisputeField[],
    legend: ReactNode,
    testId: string,
    isFirst: boolean,
  ) => (
    <fieldset
      className={CARD}
      data-testid={testId}
      data-person-id={personId ?? undefined}
      aria-describedby={describeFields}
    >
      <legend className="float-left mb-2 w-full text-lg font-bold text-gray-900">{legend}</legend>
      <div className="clear-left grid grid-cols-[repeat(auto-fill,minmax(min(100%,9rem),1fr))] gap-2">
        {fields.map((field, i) => {
          const key = tickKey(personId, field);
          const on = key in ticked;
          return (
            <label
              key={field}
              className={`flex min-h-12 cursor-pointer items-center gap-3 rounded-lg border-2 px-3 py-2 text-base ${
                on ? "border-brand bg-sky-50 font-bold text-brand-dark" : "border-gray-300 text-gray-900"
              }`}
            >
              <input
                ref={isFirst && i === 0 ? firstBox : undefined}
                type="checkbox"
                checked={on}
                onChange={(event) => toggle(key, event.target.checked)}
                className="size-6 shrink-0 accent-brand"
                data-field={field}
              />
              <span>{t(`dispute.field.${field}`)}</span>
            </label>
          );
        })}
      </div>
      {fields.map((field) => {
        const key = tickKey(personId, field);
        if (!(key in ticked)) return null;
        const inputId = `${ids}-${key}`;
        const error = errors.fieldComments?.[key];
        return (
          <div key={field} className="mt-3 flex flex-col gap-1.5">
            <label htmlFor={inputId} className="text-base font-medium text-gray-900">
              {t("check.page.fieldComment", { field: t(`dispute.field.${field}`) })}
            </label>
            <input
              id={inputId}
              value={ticked[key]}
              onChange={(event) => setTicked((was) => ({ ...was, [key]: event.target.value }))}
              maxLength={FIELD_COMMENT_MAX}
              autoComplete="off"
              aria-invalid={!!error}
              aria-describedby={error ? `${inputId}-error` : undefined}
              className={INPUT_CLASS}
              data-comment-for={field}
            />
            {error && <FieldError id={`${inputId}-error`} message={t(error.key, error.params)} />}
          </div>
        );
      })}
    </fieldset>
  );

  const memberLegend = (member: CheckMember) => (
    <span className="flex flex-wrap items-baseline gap-x-2">
      <span>{member.name}</span>
      <span className="text-base font-medium text-gray-700">
        {relationLabel(member)} · <span className="font-mono">{member.idNumber}</span>
      </span>
    </span>
  );

  return (
    <form noValidate onSubmit={submit} className="flex flex-col gap-3" data-testid="dispute-form">
      <p className="text-base text-pretty text-gray-800">{t("check.page.disputeIntro")}</p>
      {errors.fields && (
        <FieldError id={fieldsErrorId} message={t(errors.fields.key, errors.fields.params)} />
      )}

      {renderGroup(
        null,
        HOUSEHOLD_FIELDS,
        <span className="flex flex-col">
          <span>{t("check.page.household")}</span>
          <span className="text-base font-medium break-words text-gray-700">
            <AddressLine address={view.address} />
          </span>
        </span>,
        "dispute-household",
        true,
      )}
      {view.members.map((member) => (
        <Fragment key={member.id}>
          {renderGroup(member.id, MEMBER_FIELDS, memberLegend(member), "dispute-member", false)}
        </Fragment>
      ))}

      <div className={`flex flex-col gap-4 ${CARD}`}>
        <div className="flex flex-col gap-1.5">
          <label htmlFor={`${ids}-comment`} className="text-lg font-bold text-gray-900">
            {t("check.page.comment")}
          </label>
          <textarea
            id={`${ids}-comment`}
            ref={commentInput}
            value={comment}
            onChange={(event) => setComment(event.target.value)}
            maxLength={COMMENT_MAX}
            rows={3}
            aria-invalid={!!errors.comment}
            aria-describedby={errors.comment ? `${ids}-comment-error` : undefined}
            className={`${INPUT_CLASS} py-2`}
          />
          {errors.comment && (
            <FieldError id={`${ids}-comment-error`} message={t(errors.comment.key, errors.comment.params)} />
          )}
        </div>
        <div className="flex flex-col gap-1.5">
          <label htmlFor={`${ids}-phone`} className="text-lg font-bold text-gray-900">
            {t("check.page.phone")}
          </label>
          <p id={`${ids}-phone-hint`} className="text-sm text-pretty text-gray-700">
            {t("check.page.phoneHint")}
          </p>
          <input
            id={`${ids}-phone`}
            ref={phoneInput}
            type="tel"
            inputMode="tel"
            autoComplete="tel"
            value={phone}
            onChange={(event) => setPhone(event.target.value)}
            maxLength={30}
            aria-invalid={!!errors.phone}
            aria-describedby={[`${ids}-phone-hint`, errors.phone ? `${ids}-phone-error` : null]
              .filter(Boolean)
              .join(" ")}
            className={`${INPUT_CLASS} tabular-nums`}
          />
          {errors.phone && (
            <FieldError id={`${ids}-phone-error`} message={t(errors.phone.key, errors.phone.params)} />
          )}
        </div>
      </div>

      {serverError && (
        <p
          role="alert"
          data-testid="dispute-error"
          className="rounded-lg border-2 border-red-300 bg-red-50 p-3 text-base font-medium text-red-900"
        >
          {serverError}
        </p>
      )}

      <div className="flex flex-col gap-3">
        <button type="submit" disabled={pending} className={PRIMARY_BUTTON}>
          {pending ? t("check.page.sending") : t("check.page.send")}
        </button>
        <button type="button" onClick={onBack} disabled={pending} className={SECONDARY_BUTTON}>
          {t("check.page.back")}
        </button>
      </div>
    </form>
  );
}
