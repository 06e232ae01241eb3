"use client";

import { useEffect, useId, useState } from "react";
import { useI18n } from "../../../_components/i18n";
import type { FieldDatabase } from "../../_lib/store";
import { Button, Section } from "./ui";

/** Compressing and storing photos: loaded when a photo is taken or shown, not with the room. */
const photos = () => import("../../_lib/photo");

interface PhotoProps {
  db: FieldDatabase;
  sha256: string | null;
  onPhoto: (sha256: string | null) => void;
  /** Greyed out, nothing to take or remove (a read-only question). */
  disabled?: boolean;
  testId?: string;
}

/** A door-plate photo, compressed on the phone and kept by its SHA-256 until it is uploaded. */
export function PhotoCard(props: PhotoProps) {
  const { t } = useI18n();
  return (
    <Section title={t("visit.photo.title")} testId="photo">
      <PhotoPicker {...props} />
    </Section>
  );
}

/**
 * A photo taken (or chosen) on the phone, shown with its size, to take again or remove: the door-plate
 * photo's card and an image question's answer, through the same pipeline.
 */
export function PhotoPicker({ db, sha256, onPhoto, disabled = false, testId }: PhotoProps) {
  const { t } = useI18n();
  const id = useId();
  const [url, setUrl] = useState<string | null>(null);
  const [size, setSize] = useState<number | null>(null);
  const [busy, setBusy] = useState(false);
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    if (!sha256) {
      setUrl(null);
      return;
    }
    let objectUrl: string | null = null;
    let live = true;
    photos()
      .then(({ readPhoto }) => readPhoto(db, sha256))
      .then((row) => {
        if (!live || !row) return;
        objectUrl = URL.createObjectURL(row.blob);
        setUrl(objectUrl);
        setSize(row.bytes);
      });
    return () => {
      live = false;
      if (objectUrl) URL.revokeObjectURL(objectUrl);
    };
  }, [db, sha256]);

  const take = async (file: File | undefined) => {
    if (!file) return;
    setBusy(true);
    setFailed(false);
    try {
      const { compressPhoto, storePhoto } = await photos();
      const row = await storePhoto(db, await compressPhoto(file));
      onPhoto(row.sha256);
    } catch (error) {
      console.warn("photo failed", error);
      setFailed(true);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div data-testid={testId}>
      {url && (
        // biome-ignore lint/performance/noImgElement: a local blob: URL, nothing for next/image to optimise
        <img
          src={url}
          alt={t("visit.photo.alt")}
          className="mb-2 max-h-48 w-auto rounded-lg border border-gray-300"
        />
      )}
      {size !== null && url && (
        <p className="mb-2 text-sm text-gray-700">{t("visit.photo.size", { kb: Math.round(size / 1024) })}</p>
      )}
      {failed && (
        <p role="alert" className="mb-2 rounded-lg bg-amber-50 p-3 text-base text-amber-950">
          {t("visit.photo.failed")}
        </p>
      )}
      <div className="grid grid-cols-2 gap-2">
        <label
          htmlFor={id}
          className="flex min-h-11 cursor-pointer items-center justify-center rounded-lg border-2 border-brand bg-white px-3 text-base font-semibold text-brand"
        >
          {busy ? t("visit.photo.working") : url ? t("visit.photo.again") : t("visit.photo.take")}
        </label>
        <input
          id={id}
          type="file"
          accept="image/*"
          capture="environment"
          className="sr-only"
          disabled={busy || disabled}
          onChange={(event) => {
            void take(event.target.files?.[0]);
            event.target.value = "";
          }}
        />
        {url && !disabled && (
          <Button variant="plain" onClick={() => onPhoto(null)}>
            {t("visit.photo.remove")}
          </Button>
        )}
      </div>
    </div>
  );
}
