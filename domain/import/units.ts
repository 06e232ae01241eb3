// Import of units (实有单位), the pure part: one row per unit, upserted by its unified social credit code.
// A unit stands in a building (建筑物编码, inside the 社区代码 given) and, when 房号 is given, in a room
// of it. A bad credit code rejects the row: it is the key, so a wrong one would make a second unit. The
// one exception is a code that fails only its check character and whose row says why in 校验说明: such
// codes are real (DOMAIN.md), and the row is imported with a warning (see takeUsccOverride).

import { INDUSTRY, UNIT_KIND, UNIT_STATUS } from "../codes";
import { type UnitOutput, unitSchema } from "../schemas/unit";
import { parseUscc } from "../validators/uscc";
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

export type UnitField =
  | "name"
  | "uscc"
  | "legalRep"
  | "legalRepPhone"
  | "industry"
  | "employees"
  | "status"
  | "kind"
  | "registeredAddress"
  | "actualAddress"
  | "phone"
  | "safetyContact"
  | "overrideReason"
  | keyof typeof PLACE_COLUMNS;

/** 中文表头 → field. Documented in README ("导入单位"). */
export const UNIT_COLUMNS: readonly ColumnSpec<UnitField>[] = [
  { field: "name", header: "单位名称", aliases: ["名称", "店铺名称", "企业名称"], required: true },
  {
    field: "uscc",
    header: "统一社会信用代码",
    aliases: ["信用代码", "社会信用代码", "统一代码"],
    required: true,
  },
  { field: "legalRep", header: "法定代表人", aliases: ["法人代表", "负责人", "经营者"] },
  { field: "legalRepPhone", header: "法定代表人电话", aliases: ["法人电话", "负责人电话"] },
  { field: "industry", header: "行业", aliases: ["行业门类", "所属行业"], codes: INDUSTRY },
  { field: "employees", header: "从业人数", aliases: ["从业人员数", "员工人数"], kind: "int" },
  { field: "status", header: "单位状态", aliases: ["经营状态", "状态"], codes: UNIT_STATUS },
  { field: "kind", header: "单位类型", aliases: ["类型"], codes: UNIT_KIND },
  { field: "registeredAddress", header: "注册地址", aliases: ["住所"] },
  { field: "actualAddress", header: "实际地址", aliases: ["经营地址", "实际经营地址"] },
  { field: "phone", header: "联系电话", aliases: ["单位电话", "电话"] },
  { field: "safetyContact", header: "消防治安负责人", aliases: ["消防/治安负责人", "安全负责人"] },
  OVERRIDE_REASON_COLUMN,
  PLACE_COLUMNS.communityCode,
  PLACE_COLUMNS.buildingCode,
  PLACE_COLUMNS.unitNo,
  { ...PLACE_COLUMNS.roomNo, required: false },
];

const UNIT_FIELDS: UnitField[] = UNIT_COLUMNS.map((c) => c.field).filter(
  (f) => !(f in PLACE_COLUMNS) && f !== "overrideReason",
);

export type UnitImportFields = Omit<UnitOutput, "safetyContactPhone">;

export interface UnitImportRecord {
  /** Only the fields the row gave a value for; uscc always. */
  unit: Partial<UnitImportFields> & { name: string; uscc: string };
  place: PlaceRef;
}

export function parseUnitRow(
  map: HeaderMap<UnitField>,
  cells: readonly string[],
): RowResult<UnitImportRecord> {
  const reader = new RowReader(UNIT_COLUMNS, map, cells);
  const input = reader.input(UNIT_FIELDS);
  const usccCheck = parseUscc(reader.cell("uscc"));
  const overridden = takeUsccOverride(reader, input, "uscc", "overrideReason", usccCheck);
  // The schema wants a status and a kind; a new unit gets these defaults, an existing one keeps its own.
  const parsed = unitSchema.safeParse({ status: "1", kind: "1", ...input });
  if (!parsed.success) reader.zodProblems(parsed.error.issues, (head) => (head || "uscc") as UnitField);
  if (reader.cell("uscc") === "" && !reader.problems.some((p) => p.column === reader.column("uscc"))) {
    reader.problem("uscc", "validation.required");
  }
  const place = readPlace(reader, { room: "optional" });
  if (reader.problems.length > 0 || !parsed.success) return { ok: false, problems: reader.problems };
  // The schema drops the validator's warnings (field entry has no use for them); the report wants them.
  if (usccCheck.ok) for (const key of usccCheck.warnings) reader.warning("uscc", key);
  const unit = given(parsed.data, input) as UnitImportRecord["unit"];
  if (overridden) unit.uscc = overridden;
  return { ok: true, record: { unit, place }, warnings: reader.warnings };
}

export const unitKey = (record: UnitImportRecord) => record.unit.uscc;
