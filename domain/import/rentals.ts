// Import of rental rooms (出租屋) and their tenants (承租人), the pure part.
//
// One row per tenant, the rental's columns repeated on each (the shape of the usual 出租屋登记表); a
// rental without tenants is one row with the tenant columns blank. The rental is found by its room
// (建筑物编码 + 单元 + 房号): a room has at most one current rental. Rows of one room must agree on the
// rental's columns (blank cells aside). A tenant is found by 证件号码 among the persons; one not yet in
// the register is created as a migrant (人员类别 02 流动人口) living in that room. An existing person is
// linked as is: the persons import is the authority on a person's own fields.
// The natural key of a row is room + tenant: the same tenant twice in one room is a duplicate.
// A company landlord's credit code that fails only a check the standard's tables make (check character,
// department, kind) is taken when the row says why in 校验说明 (see takeUsccOverride); each row that
// carries the code needs the reason. Citizen IDs (landlord's, tenants') are read with the county table:
// an unknown county is a warning.

import { HAZARD_LEVEL, ID_TYPE, RENTAL_USE, SEX } from "../codes";
import { parseLandlordId, type RentalOutput, rentalSchema } from "../schemas/rental";
import { type TenantOutput, tenantSchema } from "../schemas/tenant";
import { isKnownAreaCode, parseCitizenIdWithArea } from "../validators/area";
import {
  type ColumnSpec,
  given,
  type HeaderMap,
  OVERRIDE_REASON_COLUMN,
  PLACE_COLUMNS,
  type PlaceRef,
  RowReader,
  type RowResult,
  readPlace,
  takeUsccOverride,
} from "./columns";
import { roomKeyOf } from "./places";

type RentalFieldName = keyof RentalOutput;
export type TenantField =
  | "tenantName"
  | "tenantIdType"
  | "tenantIdNumber"
  | "tenantSex"
  | "tenantBirthDate"
  | "tenantPhone"
  | "tenantArrivalDate"
  | "tenantOrigin"
  | "moveInDate";
export type RentalField = RentalFieldName | TenantField | "overrideReason" | keyof typeof PLACE_COLUMNS;

/** 中文表头 → field. Documented in README ("导入出租屋与承租人"). */
export const RENTAL_COLUMNS: readonly ColumnSpec<RentalField>[] = [
  PLACE_COLUMNS.communityCode,
  PLACE_COLUMNS.buildingCode,
  PLACE_COLUMNS.unitNo,
  PLACE_COLUMNS.roomNo,
  { field: "landlordName", header: "出租人姓名", aliases: ["出租人", "房东姓名", "房东"], required: true },
  { field: "landlordIdNumber", header: "出租人证件号码", aliases: ["出租人身份证号", "房东身份证号"] },
  { field: "landlordPhone", header: "出租人电话", aliases: ["出租人联系电话", "房东电话"] },
  OVERRIDE_REASON_COLUMN,
  { field: "use", header: "租赁用途", aliases: ["出租用途"], codes: RENTAL_USE },
  { field: "areaM2", header: "出租面积", aliases: ["租赁面积"], kind: "number" },
  { field: "roomsLet", header: "出租间数", aliases: [], kind: "int" },
  { field: "monthlyRent", header: "月租金", aliases: ["租金"], kind: "int" },
  { field: "leaseStart", header: "租赁开始日期", aliases: ["租赁起始日期", "起租日期"], kind: "date" },
  { field: "leaseEnd", header: "租赁结束日期", aliases: ["租赁截止日期", "到期日期"], kind: "date" },
  { field: "filingNo", header: "租赁备案证号", aliases: ["备案证号", "备案号"] },
  { field: "maxOccupants", header: "限住人数", aliases: [], kind: "int" },
  { field: "actualOccupants", header: "实住人数", aliases: [], kind: "int" },
  { field: "fireExtinguisher", header: "灭火器", aliases: ["配备灭火器"], kind: "flag" },
  { field: "escapeRoute", header: "逃生通道", aliases: ["有逃生通道"], kind: "flag" },
  { field: "hazardLevel", header: "隐患等级", aliases: [], codes: HAZARD_LEVEL },
  { field: "hazardNote", header: "隐患描述", aliases: ["隐患情况"] },
  { field: "tenantName", header: "承租人姓名", aliases: ["承租人"] },
  { field: "tenantIdType", header: "承租人证件类型", aliases: [], codes: ID_TYPE },
  { field: "tenantIdNumber", header: "承租人证件号码", aliases: ["承租人身份证号", "承租人身份证号码"] },
  { field: "tenantSex", header: "承租人性别", aliases: [], codes: SEX },
  { field: "tenantBirthDate", header: "承租人出生日期", aliases: [], kind: "date" },
  { field: "tenantPhone", header: "承租人电话", aliases: ["承租人联系电话"] },
  { field: "tenantArrivalDate", header: "来穗日期", aliases: ["来穗时间"], kind: "date" },
  { field: "tenantOrigin", header: "来源地", aliases: ["户籍省市"] },
  { field: "moveInDate", header: "入住日期", aliases: ["入住时间"], kind: "date" },
];

/** Tenant column → the tenant schema's field. */
const TENANT_SCHEMA_FIELD: Record<TenantField, keyof TenantOutput> = {
  tenantName: "name",
  tenantIdType: "idType",
  tenantIdNumber: "idNumber",
  tenantSex: "sex",
  tenantBirthDate: "birthDate",
  tenantPhone: "phone",
  tenantArrivalDate: "arrivalDate",
  tenantOrigin: "origin",
  moveInDate: "moveInDate",
};
const TENANT_FIELDS = Object.keys(TENANT_SCHEMA_FIELD) as TenantField[];
/** The rental's own columns: neither its place, nor a tenant's, nor the check note. */
const RENTAL_FIELDS = RENTAL_COLUMNS.map((c) => c.field).filter(
  (f) => !(f in PLACE_COLUMNS) && !(f in TENANT_SCHEMA_FIELD) && f !== OVERRIDE_REASON_COLUMN.field,
);
const COLUMN_OF_TENANT_FIELD = new Map(
  Object.entries(TENANT_SCHEMA_FIELD).map(([column, field]) => [field as string, column as TenantField]),
);

export type ImportTenant = Pick<TenantOutput, "name" | "idType" | "idNumber" | "sex" | "birthDate"> &
  Partial<Pick<TenantOutput, "phone" | "arrivalDate" | "origin" | "moveInDate">>;

export interface RentalImportRecord {
  /** Only the fields the row gave a value for. */
  rental: Partial<RentalOutput> & { landlordName: string };
  tenant: ImportTenant | null;
  place: PlaceRef & { roomNo: string };
}

export function parseRentalRow(
  map: HeaderMap<RentalField>,
  cells: readonly string[],
): RowResult<RentalImportRecord> {
  const reader = new RowReader(RENTAL_COLUMNS, map, cells);
  const place = readPlace(reader, { room: "required" });
  const input = reader.input(RENTAL_FIELDS);
  const landlordId = reader.cell("landlordIdNumber");
  const landlordCheck = landlordId === "" ? null : parseLandlordId(landlordId, isKnownAreaCode);
  const overridden =
    landlordCheck && takeUsccOverride(reader, input, "landlordIdNumber", "overrideReason", landlordCheck);
  // The schema wants a use; a new rental is let for living in unless the file says otherwise.
  const parsed = rentalSchema.safeParse({ use: "1", ...input });
  if (!parsed.success)
    reader.zodProblems(parsed.error.issues, (head) => (head || "landlordName") as RentalField);

  let tenant: ImportTenant | null = null;
  const tenantCells = reader.input(TENANT_FIELDS);
  if (Object.keys(tenantCells).length > 0) {
    const tenantInput: Record<string, unknown> = {};
    for (const [column, value] of Object.entries(tenantCells)) {
      tenantInput[TENANT_SCHEMA_FIELD[column as TenantField]] = value;
    }
    tenantInput.idType ??= "1";
    // A citizen ID carries sex and birth date: a tenant list rarely repeats them.
    if (tenantInput.idType === "1" && typeof tenantInput.idNumber === "string") {
      const id = parseCitizenIdWithArea(tenantInput.idNumber);
      if (id.ok) {
        tenantInput.sex ??= id.sex;
        tenantInput.birthDate ??= id.birthDate;
        for (const key of id.warnings) reader.warning("tenantIdNumber", key);
      }
    }
    const checked = tenantSchema.safeParse(tenantInput);
    if (!checked.success) {
      // Sex and birth date left blank were to come from the ID: when the ID is wrong, that is the one problem.
      const idWrong = checked.error.issues.some((issue) => issue.path[0] === "idNumber");
      const issues = checked.error.issues.filter(
        (issue) =>
          !(
            idWrong &&
            (issue.path[0] === "sex" || issue.path[0] === "birthDate") &&
            !(String(issue.path[0]) in tenantInput)
          ),
      );
      reader.zodProblems(issues, (head) => COLUMN_OF_TENANT_FIELD.get(head) ?? "tenantIdNumber");
    } else {
      tenant = given(checked.data, tenantInput) as ImportTenant;
    }
  }
  if (reader.problems.length > 0 || !parsed.success) return { ok: false, problems: reader.problems };
  // The schema drops the validator's warnings (field entry has no use for them); the report wants them.
  if (landlordCheck?.ok) for (const key of landlordCheck.warnings) reader.warning("landlordIdNumber", key);
  const rental = given(parsed.data, input) as RentalImportRecord["rental"];
  if (overridden) rental.landlordIdNumber = overridden;
  return {
    ok: true,
    record: { rental, tenant, place: { ...place, roomNo: place.roomNo as string } },
    warnings: reader.warnings,
  };
}

/** Room + tenant: one tenant appears once per room in a file; a room without tenants, once. */
export const rentalKey = (record: RentalImportRecord) =>
  `${roomKeyOf(record.place)}#${record.tenant ? `${record.tenant.idType}:${record.tenant.idNumber}` : ""}`;
