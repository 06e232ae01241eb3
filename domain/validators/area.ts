// The citizen-ID county check, kept out of citizen-id.ts because its table (./area-codes.ts, about
// 20 KB) must not reach the officer's phone: the /field JavaScript has a few KB to spare. Only the
// import (domain/import/, run on the server) reads IDs with it. The officer's form and the push go
// without: the county is only ever a warning, and warnings there are not shown (the schemas drop them).

import { AREA_CODES } from "./area-codes";
import { type CitizenIdResult, parseCitizenId } from "./citizen-id";

/** Whether a 6-digit code is in GB/T 2260, current or abolished (cards keep a vanished county's code). */
export function isKnownAreaCode(code: string): boolean {
  const prefix = code.slice(0, 4);
  if (!/^\d{6}$/.test(code) || !Object.hasOwn(AREA_CODES, prefix)) return false;
  const tails = AREA_CODES[prefix];
  for (let i = 0; i < tails.length; i += 2) {
    if (tails[i] === code[4] && tails[i + 1] === code[5]) return true;
  }
  return false;
}

/** parseCitizenId with the county table: an unknown county code is a warning, never a refusal. */
export function parseCitizenIdWithArea(input: string, today?: Date): CitizenIdResult {
  return parseCitizenId(input, today, isKnownAreaCode);
}
