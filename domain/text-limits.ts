/** The longest text each kind of field takes, in characters: forms, imports and the push agree. */
export const MAX = {
  name: 50,
  unitName: 100,
  address: 200,
  note: 500,
  docNumber: 30,
  shortText: 50,
} as const;
