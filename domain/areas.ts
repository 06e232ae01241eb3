/**
 * The levels of the jurisdiction's areas, from the top: a city's districts, their streets (街道), the
 * streets' communities (社区) and the communities' grids (网格), each held by one officer. Pure.
 */
export const AREA_LEVELS = ["city", "district", "street", "community", "grid"] as const;
export type AreaLevel = (typeof AREA_LEVELS)[number];
