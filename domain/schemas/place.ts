import { z } from "zod";
import { PROPERTY_TYPE, ROOM_USE } from "../codes";
import {
  intField,
  MAX,
  numberField,
  optionalCode,
  optionalText,
  requiredCode,
  requiredText,
  withKeys,
} from "./fields";

/** 楼栋 (实有房屋 at building level): its standard address and what it is used for. */
export const buildingSchema = z.object(
  {
    address: requiredText(MAX.address),
    name: optionalText(MAX.unitName),
    floors: intField(1, 200).nullable().optional(),
    use: optionalCode(ROOM_USE),
    propertyType: optionalCode(PROPERTY_TYPE),
    // Guangzhou's jurisdiction sits well inside these; a swapped pair fails one of them.
    lat: numberField(3, 54).nullable().optional(),
    lng: numberField(73, 136).nullable().optional(),
  },
  withKeys,
);

/** 房 (实有房屋 at room level). Floors below ground are negative. */
export const roomSchema = z.object(
  {
    floor: intField(-10, 200),
    use: requiredCode(ROOM_USE),
    areaM2: numberField(0, 100_000).nullable().optional(),
    ownerName: optionalText(MAX.name),
  },
  withKeys,
);

export type BuildingOutput = z.output<typeof buildingSchema>;
export type RoomOutput = z.output<typeof roomSchema>;
