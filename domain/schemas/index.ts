export { type HouseholdInput, type HouseholdOutput, householdSchema } from "./household";
export { issuesByPath, keyError, zodIssueKey } from "./issues";
export {
  checkCitizenIdentity,
  normaliseCitizenId,
  type PersonInput,
  type PersonOutput,
  personObject,
  personSchema,
  personShape,
} from "./person";
export { type BuildingOutput, buildingSchema, type RoomOutput, roomSchema } from "./place";
export { type RentalInput, type RentalOutput, rentalSchema } from "./rental";
export { type TenantInput, type TenantOutput, tenantObject, tenantSchema } from "./tenant";
export { type UnitInput, type UnitOutput, unitSchema } from "./unit";
