import { describe, expect, it } from "vitest";
import { campaignCreateInput } from "@/domain/campaign";
import { issueMessage } from "@/domain/i18n/issues";

const AREA = "7b0c2a52-8f0f-4f77-9d51-2d7c1f1e9a10";

const keysOf = (input: unknown) => {
  const parsed = campaignCreateInput.safeParse(input);
  if (parsed.success) return {};
  // The server's error formatter and the page read issues alike: a catalogue key per field.
  const out: Record<string, string[]> = {};
  for (const issue of parsed.error.issues) {
    const path = issue.path.join(".");
    out[path] = [...(out[path] ?? []), issueMessage(issue).key];
  }
  return out;
};

describe("the campaign form's schema", () => {
  it("reads an empty form as missing fields, each with its own key", () => {
    expect(keysOf({ name: " ", startsOn: "", endsOn: "", areaIds: [] })).toEqual({
      name: ["validation.required"],
      startsOn: ["validation.required"],
      areaIds: ["campaign.error.areasRequired"],
    });
  });

  it("tells a badly written date from an impossible one, and an end before the start", () => {
    expect(keysOf({ name: "x", startsOn: "2027/01/01", areaIds: [AREA] })).toEqual({
      startsOn: ["validation.date.format"],
    });
    expect(keysOf({ name: "x", startsOn: "2027-02-29", areaIds: [AREA] })).toEqual({
      startsOn: ["validation.date.invalid"],
    });
    expect(keysOf({ name: "x", startsOn: "2027-03-01", endsOn: "2027-02-28", areaIds: [AREA] })).toEqual({
      endsOn: ["campaign.error.endsBeforeStart"],
    });
  });

  it("trims the name and reads an empty end date as none", () => {
    expect(
      campaignCreateInput.parse({ name: " 第一轮 ", startsOn: "2027-03-01", endsOn: "", areaIds: [AREA] }),
    ).toEqual({
      name: "第一轮",
      startsOn: "2027-03-01",
      endsOn: null,
      areaIds: [AREA],
      autoApprove: false,
      // No target chosen: every door, as before targets existed.
      target: { kind: "every_door" },
    });
    expect(
      campaignCreateInput.parse({ name: "x", startsOn: "2027-03-01", endsOn: "2027-03-01", areaIds: [AREA] })
        .endsOn,
    ).toBe("2027-03-01");
  });
});
