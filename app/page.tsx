"use client";

import Link from "next/link";
import { LanguageSwitch } from "./_components/controls";
import { useI18n } from "./_components/i18n";

export default function HomePage() {
  const { t } = useI18n();
  return (
    <div className="flex min-h-dvh flex-col bg-brand text-white">
      <div className="flex justify-end p-2">
        <LanguageSwitch />
      </div>
      <main className="mx-auto flex w-full max-w-md flex-1 flex-col justify-center gap-4 px-5 pb-16">
        <h1 className="text-4xl font-bold tracking-wide">{t("app.name")}</h1>
        <p className="mb-6 text-lg text-white/90">{t("app.tagline")}</p>
        <Link href="/login" className="rounded-2xl bg-white p-5 text-gray-900 shadow-lg active:scale-[0.99]">
          <span className="block text-xl font-bold text-brand">{t("home.staff")}</span>
          <span className="mt-1 block text-base text-gray-600">{t("home.staffHint")}</span>
        </Link>
        <Link href="/check" className="rounded-2xl border-2 border-white/70 p-5 active:scale-[0.99]">
          <span className="block text-xl font-bold">{t("home.resident")}</span>
          <span className="mt-1 block text-base text-white/85">{t("home.residentHint")}</span>
        </Link>
      </main>
    </div>
  );
}
