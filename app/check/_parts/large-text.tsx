"use client";

import { useCallback, useEffect, useState } from "react";
import { useI18n } from "../../_components/i18n";

/** The only thing /check keeps on the phone: whether the reader wants large text. */
const STORAGE_KEY = "doorstep.check.largeText";
/** Tailwind sizes type and spacing in rem, so scaling the root scales the whole page, targets too. */
const LARGE_ROOT_SIZE = "125%";

function readStored(): boolean {
  try {
    return localStorage.getItem(STORAGE_KEY) === "1";
  } catch {
    return false; // storage blocked (private mode on some phones): large text just isn't remembered
  }
}

/**
 * Large text for older residents: a class and a font size on <html>, set while the page is shown and
 * removed when it goes, so other screens keep their own size.
 */
export function useLargeText() {
  const [large, setLarge] = useState(false);
  useEffect(() => setLarge(readStored()), []);
  useEffect(() => {
    const root = document.documentElement;
    root.classList.toggle("check-large", large);
    root.style.fontSize = large ? LARGE_ROOT_SIZE : "";
    return () => {
      root.classList.remove("check-large");
      root.style.fontSize = "";
    };
  }, [large]);
  const toggle = useCallback(() => {
    setLarge((was) => {
      const next = !was;
      try {
        if (next) localStorage.setItem(STORAGE_KEY, "1");
        else localStorage.removeItem(STORAGE_KEY);
      } catch {
        // not remembered; the page still switches
      }
      return next;
    });
  }, []);
  return { large, toggle };
}

export function LargeTextToggle({ large, onToggle }: { large: boolean; onToggle: () => void }) {
  const { t } = useI18n();
  return (
    <button
      type="button"
      aria-pressed={large}
      onClick={onToggle}
      data-testid="large-text"
      className={`flex min-h-11 min-w-11 items-center gap-1 rounded-lg border-2 px-2.5 text-sm font-bold ${
        large ? "border-white bg-white text-brand" : "border-white/70 text-white hover:bg-white/10"
      }`}
    >
      <span aria-hidden="true" className="text-base leading-none">
        A<sup className="text-[0.7em]">+</sup>
      </span>
      {t("check.page.largeText")}
    </button>
  );
}
