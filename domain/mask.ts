// Masked by default (PIPL): names, ID numbers and phones are shown this way
// unless the viewer asks to unmask, which is an audited event elsewhere.

// Two-character surnames, so 欧阳修 masks to 欧阳* rather than 欧*. 区 (Ou) is
// a single-character surname and needs no entry.
export const COMPOUND_SURNAMES: readonly string[] = (
  "欧阳 司徒 上官 诸葛 司马 东方 皇甫 尉迟 公孙 慕容 长孙 夏侯 轩辕 令狐 " +
  "钟离 宇文 端木 申屠 澹台 公冶 太史 南宫 西门 闻人 万俟 呼延 独孤"
).split(" ");

const HAN = /\p{Script=Han}/u;

export function maskName(name: string | null | undefined): string {
  // Array.from keeps surrogate pairs (rare characters in names) whole.
  const chars = Array.from((name ?? "").trim());
  if (chars.length === 0) return "";
  if (!HAN.test(chars[0])) return `${chars[0]}***`;
  // A lone character would be shown in full as 张*, so hide it entirely.
  if (chars.length === 1) return "*";
  const surname = chars.slice(0, 2).join("");
  if (chars.length > 2 && COMPOUND_SURNAMES.includes(surname)) return `${surname}*`;
  return `${chars[0]}*`;
}

function stars(n: number): string {
  return "*".repeat(Math.max(n, 0));
}

/**
 * 440104195001010020 → 440***********0020. Anything shorter than a citizen ID
 * is masked in full: keeping 7 of 9 passport characters would hide nothing.
 */
export function maskIdNumber(id: string | null | undefined): string {
  const value = (id ?? "").replace(/\s+/g, "");
  if (value.length === 0) return "";
  if (value.length < 15) return stars(value.length);
  return `${value.slice(0, 3)}${stars(value.length - 7)}${value.slice(-4)}`;
}

/** 13812341234 → 138****1234; shorter numbers keep at most their last 4 digits. */
export function maskPhone(phone: string | null | undefined): string {
  const value = (phone ?? "").replace(/[\s-]+/g, "");
  if (value.length === 0) return "";
  if (value.length >= 11) return `${value.slice(0, 3)}${stars(value.length - 7)}${value.slice(-4)}`;
  if (value.length >= 8) return `${stars(value.length - 4)}${value.slice(-4)}`;
  return stars(value.length);
}

/** 1950-01-01 → 1950-**-**: the year tells a reviewer the age band, the day identifies. */
export function maskBirthDate(date: string | null | undefined): string {
  const value = (date ?? "").trim();
  if (value.length === 0) return "";
  return /^\d{4}-/.test(value) ? `${value.slice(0, 4)}-**-**` : stars(value.length);
}

/** 广州市越秀区光塔路12号3楼 → 广州市越秀区****: the district, not the door. At most half is kept. */
export function maskAddress(address: string | null | undefined): string {
  const chars = Array.from((address ?? "").trim());
  if (chars.length === 0) return "";
  return `${chars.slice(0, Math.min(6, Math.floor(chars.length / 2))).join("")}****`;
}

/** Register fields holding a name, an ID number, a phone, a birth date or a home address, and how each is masked. */
const MASKS: Partial<Record<string, (value: string) => string>> = {
  birthDate: maskBirthDate,
  hukouAddress: maskAddress,
  currentAddress: maskAddress,
  // A moved-out member's destination, inside an end reason.
  destination: maskAddress,
  residencePermitNo: maskIdNumber,
  name: maskName,
  landlordName: maskName,
  legalRep: maskName,
  safetyContact: maskName,
  idNumber: maskIdNumber,
  landlordIdNumber: maskIdNumber,
  phone: maskPhone,
  landlordPhone: maskPhone,
  legalRepPhone: maskPhone,
};

/**
 * A change's value as a reviewer sees it by default: a masked name, ID number or phone; a new row
 * (an object) with those of its fields masked; anything else as it is.
 */
export function maskFieldValue(field: string, value: unknown): unknown {
  if (value === null || value === undefined) return value ?? null;
  if (typeof value === "object" && !Array.isArray(value)) {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([key, inner]) => [
        key,
        maskFieldValue(key, inner),
      ]),
    );
  }
  const mask = MASKS[field];
  return mask && typeof value === "string" ? mask(value) : value;
}

// Free text (an officer's note) cannot be masked field by field: what looks like an ID number or a
// phone number is masked wherever it stands, and so is each name the caller knows to be in play (the
// room's residents, the visit's new members). A name nobody registered cannot be recognised.
const ID_IN_TEXT = /(?<![0-9A-Za-z])(?:\d{17}[\dXx]|\d{15})(?![0-9A-Za-z])/g;
const MOBILE_IN_TEXT = /(?<!\d)(?:\+?86[\s-]?)?1[3-9]\d[\s-]?\d{4}[\s-]?\d{4}(?!\d)/g;
const LANDLINE_IN_TEXT = /(?<!\d)0\d{2,3}[\s-]?\d{7,8}(?!\d)/g;

/** A note as it may leave the system: ID numbers, phone numbers and the `names` given masked. */
export function maskText(
  text: string | null | undefined,
  names: readonly (string | null | undefined)[] = [],
) {
  let out = (text ?? "")
    .replace(ID_IN_TEXT, (id) => maskIdNumber(id))
    .replace(MOBILE_IN_TEXT, (phone) => maskPhone(phone.replace(/^\+?86/, "")))
    .replace(LANDLINE_IN_TEXT, (phone) => maskPhone(phone));
  // Longest first, so 欧阳小明 is masked whole before 欧阳 could be.
  const known = [...new Set(names.map((name) => (name ?? "").trim()).filter((name) => name.length >= 2))];
  for (const name of known.sort((a, b) => b.length - a.length)) out = out.replaceAll(name, maskName(name));
  return out;
}
