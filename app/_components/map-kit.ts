/**
 * Small pieces every Leaflet map of the app shares: the status palette as colour values (a canvas
 * needs values, not classes) and Leaflet's module shape. Framework-free and DOM-light, so a
 * stand-alone page (the map benchmark) can bundle it too.
 */
import type * as Leaflet from "leaflet";
import type { RoomStatus } from "@/domain/worklist";

export type LeafletModule = typeof Leaflet;

/** The same values as `--color-status-*` in app/globals.css, for when the variable cannot be read. */
export const STATUS_FALLBACK_COLORS: Readonly<Record<RoomStatus, string>> = {
  todo: "#6b7280",
  done: "#15803d",
  revisit: "#b45309",
  returned: "#b91c1c",
  conflict: "#7e22ce",
  approved: "#1d4ed8",
};

/** The palette read from the theme (so it stays one palette), falling back to the values above. */
export function readStatusColors(el: Element): Record<RoomStatus, string> {
  const style = getComputedStyle(el);
  const colors = { ...STATUS_FALLBACK_COLORS };
  for (const status of Object.keys(colors) as RoomStatus[]) {
    const value = style.getPropertyValue(`--color-status-${status}`).trim();
    if (/^#[0-9a-f]{6}$/i.test(value)) colors[status] = value;
  }
  return colors;
}

/** `#rrggbb` mixed with white: `amount` 0 keeps the colour, 1 is white. Other inputs come back unchanged. */
export function mixWithWhite(hex: string, amount: number): string {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!m) return hex;
  const channel = (h: string) =>
    Math.round(Number.parseInt(h, 16) + (255 - Number.parseInt(h, 16)) * amount)
      .toString(16)
      .padStart(2, "0");
  return `#${channel(m[1])}${channel(m[2])}${channel(m[3])}`;
}

/** Leaflet is a UMD bundle: depending on the bundler's interop, its API is the namespace or its default. */
export function leafletApi(module: LeafletModule & { default?: LeafletModule }): LeafletModule {
  return module.default ?? module;
}
