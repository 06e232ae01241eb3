export {
  birthDateFromCitizenId,
  type CitizenIdResult,
  citizenIdCheckChar,
  MIN_BIRTH_YEAR,
  PROVINCE_CODES,
  parseCitizenId,
  sexFromCitizenId,
} from "./citizen-id";
export { ageOn, isIsoDate, isRealDate, toIsoDate } from "./date";
export { type MobileResult, type PhoneResult, parseMobile, parsePhone } from "./mobile";
export { toHalfWidth } from "./text";
export {
  normaliseUscc,
  orgCodeCheckChar,
  parseUscc,
  USCC_ALPHABET,
  type UsccResult,
  usccCheckChar,
  usccFaults,
} from "./uscc";
