// English plurals: the translator's plural form ("1 room", "2 rooms"), and a sweep of the whole
// English catalogue for a count written before a plural noun outside one ("{count} rooms").

import { describe, expect, it } from "vitest";
import { createTranslator } from "@/domain/i18n";
import { MESSAGE_BUNDLES } from "@/domain/i18n/all";
import { en } from "@/domain/i18n/messages.en";
import { validationEn } from "@/domain/i18n/validation.en";

const t = createTranslator("en");
const zh = createTranslator("zh-CN");

describe("plurals", () => {
  it("picks one or other by the count, # standing for it", () => {
    expect(t("field.rooms", { count: 1 })).toBe("1 room");
    expect(t("field.rooms", { count: 2 })).toBe("2 rooms");
    expect(t("field.rooms", { count: 0 })).toBe("0 rooms");
    expect(t("review.changes", { count: 1 })).toBe("1 change");
    expect(t("field.progress", { done: 0, total: 1 })).toBe("0 of 1 room checked");
    expect(t("field.progress", { done: 3, total: 12 })).toBe("3 of 12 rooms checked");
    expect(t("field.logoutUnsent", { count: 1 })).toMatch(
      /^1 record is not synced yet\. Logging out does not delete it; it will sync/,
    );
    expect(t("importPage.households", { count: 1, batches: 2, seconds: 3 })).toBe(
      "1 household created in 2 batches, 3 s",
    );
    expect(t("offlineMap.cancelled", { count: 1 })).toBe(
      "Cancelled. The tile downloaded is kept; tap Resume to carry on.",
    );
    // Chinese has one form for every number.
    expect(zh("field.rooms", { count: 1 })).toBe("1 间");
  });

  it("leaves no count before a plural noun outside a plural form, in any English message", () => {
    const all: Record<string, string> = { ...en, ...validationEn };
    for (const bundle of MESSAGE_BUNDLES) Object.assign(all, bundle.en);
    const bare = (template: string) => {
      // What is left once the plural forms are taken out.
      let out = template;
      for (let i = out.indexOf(", plural,"); i >= 0; i = out.indexOf(", plural,")) {
        const start = out.lastIndexOf("{", i);
        let depth = 0;
        let end = start;
        for (; end < out.length; end++) {
          if (out[end] === "{") depth++;
          else if (out[end] === "}" && --depth === 0) break;
        }
        out = `${out.slice(0, start)}N${out.slice(end + 1)}`;
      }
      return out;
    };
    const offenders = Object.entries(all)
      // A verb after a name ("{name} has left", "{table} as CSV") or a unit of a rate ("rows/s") is no count.
      .filter(([, message]) =>
        /\{\w+\}\s+(?:new\s+)?(?!(?:has|is|as|was|does)\b)[a-z]+s\b(?!\/)/.test(bare(message)),
      )
      .map(([key, message]) => `${key}: ${message}`);
    expect(offenders).toEqual([]);
  });
});
