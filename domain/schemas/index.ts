export { householdSchema, type HouseholdInput, type HouseholdOutput } from "./household";
export { issuesByPath, keyError, zodIssueKey } from "./issues";
export {
  checkCitizenIdentity,
  normaliseCitizenId,
  personObject,
  personSchema,
  personShape,
  type PersonInput,
  type PersonOutput,
} from "./person";
export { rentalSchema, type RentalInput, type RentalOutput } from "./rental";
export { tenantObject, tenantSchema, type TenantInput, type TenantOutput } from "./tenant";
export { unitSchema, type UnitInput, type UnitOutput } from "./unit";
