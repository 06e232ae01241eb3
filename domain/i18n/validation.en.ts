// The validators' messages in English (./validation.ts holds the Chinese source), apart so that a page
// in Chinese does not carry them; registered by ./english.

import type { validationZh } from "./validation";

export const validationEn = {
  "validation.required": "This field is required — please fill it in",
  "validation.invalidType": "This value has the wrong type — please enter it again",
  "validation.tooShort": "Too short — enter at least {min, plural, one {# character} other {# characters}}",
  "validation.tooLong": "Too long — use at most {max, plural, one {# character} other {# characters}}",
  "validation.tooSmall": "Too small — enter {min} or more",
  "validation.tooBig": "Too large — enter {max} or less",
  "validation.notInteger": "Enter a whole number",
  "validation.invalidValue": "Choose one of the listed options",
  "validation.invalidFormat": "The format is wrong — follow the example format",
  "validation.invalid": "This value is not valid — check it and try again",

  "validation.date.format": "Enter the date as YYYY-MM-DD, e.g. 1990-02-03",
  "validation.date.invalid": "This date does not exist — check the year, month and day",
  "validation.date.future": "The date cannot be later than today — check it",

  "validation.citizenId.empty": "Enter the citizen ID number",
  "validation.citizenId.length":
    "A citizen ID number has 18 characters (old cards 15) — check for missing or extra digits",
  "validation.citizenId.characters":
    "A citizen ID number is all digits; only the last character may be X — check for typos",
  "validation.citizenId.province":
    "The first two digits are not a valid province code — check the start of the number",
  "validation.citizenId.birthDate":
    "The birth date inside the ID number (characters 7–14) does not exist — check it",
  "validation.citizenId.birthFuture":
    "The birth date inside the ID number is in the future — check characters 7–14",
  "validation.citizenId.birthTooEarly":
    "The birth year inside the ID number is too early — check characters 7–10",
  "validation.citizenId.checksum": "The ID number's check character is wrong — check the last character",
  "validation.citizenId.county":
    "The first six digits (the area code) are not in the table of county codes, abolished ones included — check them against the ID card",

  "validation.idNumber.characters":
    "A document number may contain only letters, digits, brackets and hyphens — check for typos",

  "validation.uscc.empty": "Enter the unified social credit code",
  "validation.uscc.length":
    "A unified social credit code has 18 characters — compare it with the business licence",
  "validation.uscc.characters":
    "A unified social credit code has only digits and capital letters without I, O, S, V, Z — check for O typed instead of 0",
  "validation.uscc.department":
    "The credit code's first character (the registering department) is not one the national standard assigns — compare it with the business licence",
  "validation.uscc.category":
    "The credit code's second character (the kind of organisation) is not one its registering department (the first character) uses — compare the first two with the business licence",
  "validation.uscc.checksum":
    "The credit code's check character is wrong — compare the last character with the business licence",
  "validation.uscc.orgCodeChecksum":
    "Characters 9–17 of the credit code (the organisation code) fail their check — compare with the business licence",

  "validation.mobile.empty": "Enter the mobile number",
  "validation.mobile.characters": "A mobile number contains only digits — remove other characters",
  "validation.mobile.length": "A mobile number has 11 digits — check for missing or extra digits",
  "validation.mobile.format": "A mobile number starts with 13 to 19 — check the first two digits",

  "validation.phone.empty": "Enter the phone number",
  "validation.phone.format":
    "The phone number is not valid — enter an 11-digit mobile or a landline with area code (e.g. 020-83123456)",

  "validation.person.birthDateMismatch":
    "The birth date does not match the ID number — check it against the ID card",
  "validation.person.sexMismatch":
    "The sex does not match the ID number (17th digit odd = male, even = female) — check it",

  "validation.rental.leaseEndBeforeStart": "The lease end date is before the start date — check both dates",
  "validation.rental.hazardNoteRequired": "A safety hazard was recorded — describe it briefly",

  "validation.visit.subjectMissing": "Choose what this visit verified (a household, unit or rental room)",
  "validation.visit.revisitDueMissing": "A refusal or no answer needs a revisit date",
  "validation.visit.revisitDuePast": "The revisit date cannot be before the visit — check it",
  "validation.visit.positionIncomplete": "The position is incomplete — get it again, or save without it",
  "validation.visit.photoHash": "The photo's checksum is not valid — take the photo again",
  "validation.visit.claimTwice": "A claim can be answered only once",
  "validation.visit.field": "The corrected field's name is not valid",
  "validation.json.tooDeep": "The data is nested too deeply; it was not made by this app. Record it again",
  "validation.text.malformed": "The text contains a character that cannot be read; delete it and type again",
  "validation.text.bidiControl":
    "The text holds a hidden character that changes its direction (such as U+202E), so it would show differently from what it says; delete it and type again",
  "validation.visit.valueTooLarge":
    "The corrected value is too long (at most {max} KB each): shorten it and save again",
} as const satisfies Record<keyof typeof validationZh, string>;
