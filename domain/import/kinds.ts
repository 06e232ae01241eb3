// The import kinds' names alone: what the admin's import and export pages need in the browser, without
// the row parsers (and the county table the persons and rentals parsers read IDs with) behind ./index.ts.

export const IMPORT_KINDS = ["persons", "buildings", "rooms", "units", "rentals"] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];

export function isImportKind(value: unknown): value is ImportKind {
  return IMPORT_KINDS.includes(value as ImportKind);
}
