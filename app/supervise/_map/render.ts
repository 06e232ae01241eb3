/**
 * The completion map's Leaflet side, framework-free so the page and `npm run bench:map` run the same
 * code. Leaflet is passed in (the page loads it lazily, the bench from node_modules).
 *
 * Why it stays smooth with 10,000 buildings: nothing on it is a Leaflet vector layer. Two canvas
 * layers (subclasses of L.Renderer, so they follow pans and zoom animations exactly as Leaflet's own
 * Canvas renderer does) hold every position in typed arrays, projected once:
 * - boundaries: street, community and grid outlines, one path per level;
 * - buildings: each state's dot is drawn once per size into a small sprite; every building is then
 *   copied into one pixel buffer and put on the canvas in one call, with the labels of communities
 *   (zoomed out) or grids (zoomed in) on top.
 * No per-marker objects, DOM nodes, listeners or tooltips. A pan moves the canvases with the map and
 * repaints once at its end; a zoom animates them with a CSS transform and repaints once. A click is
 * hit-tested against the arrays.
 */
import type * as Leaflet from "leaflet";
import {
  BUILDING_STATUSES,
  type BuildingStatus,
  type CompletionArea,
  type DecodedCompletion,
} from "@/domain/completion";
import type { DisplayTransform, MapTiles } from "../../_components/basemap";
import { type LeafletModule, mixWithWhite, readStatusColors } from "../../_components/map-kit";

export interface CompletionMapOptions {
  tiles?: MapTiles | null;
  /** A building was tapped or clicked. */
  onPick(index: number): void;
  /** After every move and zoom (and each new data set): the buildings inside the view. */
  onView?(indices: number[]): void;
  /** Diagnostics: how long each paint of the buildings' canvas took. */
  onPaint?(ms: number): void;
}

export interface CompletionMapView {
  readonly map: Leaflet.Map;
  /** Draws a data set; the first one (and one covering other areas) fits the view to it. */
  setData(data: DecodedCompletion, toDisplay?: DisplayTransform | null): void;
  select(index: number | null): void;
  /** Brings a building into view, zooming in if the map is far out. */
  reveal(index: number): void;
  visible(): number[];
  remove(): void;
}

/** Drawing order: least urgent first, so an urgent dot is never hidden under a calm one. */
const DRAW_ORDER: readonly BuildingStatus[] = [...BUILDING_STATUSES].reverse();
const TAU = Math.PI * 2;
/** Below this zoom communities are labelled, from it grids. */
const GRID_LABEL_ZOOM = 16.5;
const LABEL_FONT = '600 13px system-ui, "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif';
/** A partial building's share is shown in eighths. */
const SHARE_STEPS = 8;
/** How far the canvases reach past the view on each side (share of its size): what a pan reveals before it ends. */
const PADDING = 0.1;

/** An area's dot (a district's or a city's map, domain/completion.ts AREA_VIEW_LEVELS) at any zoom. */
const AREA_RADIUS = 14;

/** A dot's radius: an area's the same at every zoom, a building's growing as the map zooms in. */
function dotRadius(data: DecodedCompletion, zoom: number): number {
  return data.view === "areas" ? AREA_RADIUS : radiusAt(zoom);
}

export function radiusAt(zoom: number): number {
  if (zoom < 14) return 3;
  if (zoom < 15) return 4;
  if (zoom < 16) return 5;
  if (zoom < 17) return 6.5;
  if (zoom < 18) return 8;
  return 10;
}

/** Fill colours per building state: the room palette, and `partial` as a lighter green. */
export function buildingColors(el: Element): Record<BuildingStatus, string> {
  const room = readStatusColors(el);
  return { ...room, partial: mixWithWhite(room.done, 0.62) };
}

interface Sprite {
  size: number;
  /** RGBA pixels as little-endian words (0xAABBGGRR, signed), straight alpha. */
  pixels: Int32Array;
  /** Per row, the first and one past the last column with any ink. */
  from: Int32Array;
  to: Int32Array;
}

interface Sprites {
  r: number;
  dpr: number;
  size: number;
  byStatus: Record<BuildingStatus, Sprite>;
  /** Indexed by the share in eighths, 0…8. */
  partial: Sprite[];
}

interface Label {
  text: string;
  /** Measured on first drawing. */
  width?: number;
  level: CompletionArea["level"];
  /** The label of an item of an area view (a district's or city's child area). */
  item: boolean;
  wx: number;
  wy: number;
}

interface Outline {
  level: CompletionArea["level"];
  /** Rings as flat [x0, y0, x1, y1, …] world pixels at zoom 0. */
  rings: Float64Array[];
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
}

interface Drawn {
  data: DecodedCompletion;
  /** World pixel coordinates at zoom 0 (NaN: no coordinates). */
  wx: Float64Array;
  wy: Float64Array;
  /** Building indices per state, in data order. */
  buckets: Record<BuildingStatus, Int32Array>;
  labels: Label[];
  outlines: Outline[];
}

type CanvasLayer = Leaflet.Layer & {
  _map?: Leaflet.Map & { _animatingZoom?: boolean };
  _bounds: Leaflet.Bounds;
  _container?: HTMLCanvasElement;
  _update(): void;
};

function ringCentroid(ring: number[][]): [number, number] | null {
  // [lng, lat] pairs; the mean of the vertices lies inside any convex ring, close enough for a label.
  const points = ring.length > 1 && ring[0][0] === ring[ring.length - 1][0] ? ring.slice(0, -1) : ring;
  if (points.length === 0) return null;
  let lat = 0;
  let lng = 0;
  for (const [x, y] of points) {
    lng += x;
    lat += y;
  }
  return [lat / points.length, lng / points.length];
}

function shortName(area: CompletionArea, byId: Map<string, CompletionArea>): string {
  const parent = area.parentId ? byId.get(area.parentId) : undefined;
  if (parent && area.name.startsWith(parent.name) && area.name.length > parent.name.length)
    return area.name.slice(parent.name.length);
  return area.name;
}

/**
 * Copies a sprite into the pixel buffer at (x0, y0), clipped to it. Small and called for every
 * building, so the engine optimises it within the first paint.
 */
function blit(out: Int32Array, width: number, height: number, sprite: Sprite, x0: number, y0: number) {
  const s = sprite.size;
  const src = sprite.pixels;
  const left = x0 < 0 ? -x0 : 0;
  const right = x0 + s > width ? width - x0 : s;
  const sy0 = y0 < 0 ? -y0 : 0;
  const sy1 = y0 + s > height ? height - y0 : s;
  for (let sy = sy0; sy < sy1; sy++) {
    const sx0 = Math.max(sprite.from[sy], left);
    const sx1 = Math.min(sprite.to[sy], right);
    let d = (y0 + sy) * width + x0 + sx0;
    let p = sy * s + sx0;
    for (let sx = sx0; sx < sx1; sx++, d++, p++) {
      const v = src[p];
      const a = v >>> 24;
      if (a === 0) continue;
      const under = out[d];
      if (a === 255 || under === 0) {
        out[d] = v;
        continue;
      }
      // An anti-aliased edge over another dot: blend the colours, keep the stronger alpha.
      const ua = under >>> 24;
      const t = a / 255;
      const u = 1 - t;
      const rr = ((v & 0xff) * t + (under & 0xff) * u) | 0;
      const gg = (((v >>> 8) & 0xff) * t + ((under >>> 8) & 0xff) * u) | 0;
      const bb = (((v >>> 16) & 0xff) * t + ((under >>> 16) & 0xff) * u) | 0;
      const aa = Math.max(a, ua);
      out[d] = (aa << 24) | (bb << 16) | (gg << 8) | rr;
    }
  }
}

/** Sizes the canvas to the layer's bounds (device pixels) and returns its context, cleared. */
function prepareCanvas(L: LeafletModule, canvas: HTMLCanvasElement, bounds: Leaflet.Bounds) {
  const min = bounds.min;
  if (!min) return null;
  const size = bounds.getSize();
  const dpr = Math.min(window.devicePixelRatio || 1, 2);
  const width = Math.round(size.x * dpr);
  const height = Math.round(size.y * dpr);
  L.DomUtil.setPosition(canvas, min);
  if (canvas.width !== width || canvas.height !== height) {
    canvas.width = width;
    canvas.height = height;
    canvas.style.width = `${size.x}px`;
    canvas.style.height = `${size.y}px`;
  }
  const ctx = canvas.getContext("2d");
  if (!ctx) return null;
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.clearRect(0, 0, width, height);
  return { ctx, min, size, dpr, width, height };
}

export function createCompletionMap(
  L: LeafletModule,
  el: HTMLElement,
  options: CompletionMapOptions,
): CompletionMapView {
  const tiles = options.tiles ?? null;
  const map = L.map(el, {
    zoomControl: true,
    attributionControl: !!tiles,
    minZoom: 3,
    maxZoom: 20,
    zoomSnap: 0.25,
    wheelPxPerZoomLevel: 90,
  });
  map.zoomControl.setPosition("bottomright");
  if (tiles) {
    L.tileLayer(tiles.url, {
      attribution: tiles.attribution,
      subdomains: tiles.subdomains ?? "abc",
      maxNativeZoom: 18,
      maxZoom: 20,
    }).addTo(map);
  }
  const crs = map.options.crs ?? L.CRS.EPSG3857;
  const colors = buildingColors(el);
  const scaleAt = (zoom: number) => crs.scale(zoom) / crs.scale(0);

  let drawn: Drawn | null = null;
  let selected: number | null = null;
  let areaKey = "";
  let hoverFrame = 0;
  let sprites: Sprites | null = null;
  let buffer: { image: ImageData; pixels: Int32Array } | null = null;

  // ----- sprites: each state's dot, drawn once per size

  function spritesFor(r: number, dpr: number): Sprites {
    if (sprites && sprites.r === r && sprites.dpr === dpr) return sprites;
    const outline = r >= 4 ? (r >= 8 ? 2 : 1.25) : 0;
    const size = Math.ceil((r + outline + 1) * 2 * dpr);
    const scratch = document.createElement("canvas");
    scratch.width = size;
    scratch.height = size;
    const ctx = scratch.getContext("2d", { willReadFrequently: true });
    const make = (paintDot: (ctx: CanvasRenderingContext2D, c: number) => void): Sprite => {
      const from = new Int32Array(size);
      const to = new Int32Array(size);
      if (!ctx) return { size, pixels: new Int32Array(size * size), from, to };
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      ctx.clearRect(0, 0, size, size);
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      paintDot(ctx, size / dpr / 2);
      const pixels = new Int32Array(ctx.getImageData(0, 0, size, size).data.buffer.slice(0));
      for (let y = 0; y < size; y++) {
        let first = size;
        let last = 0;
        for (let x = 0; x < size; x++) {
          if (pixels[y * size + x] >>> 24 === 0) continue;
          if (x < first) first = x;
          last = x + 1;
        }
        from[y] = first;
        to[y] = last;
      }
      return { size, pixels, from, to };
    };
    const disc = (ctx: CanvasRenderingContext2D, c: number, fill: string) => {
      ctx.beginPath();
      ctx.arc(c, c, r, 0, TAU);
      ctx.fillStyle = fill;
      ctx.fill();
      if (outline) {
        ctx.lineWidth = outline;
        ctx.strokeStyle = "#ffffff";
        ctx.stroke();
      }
    };
    const byStatus = Object.fromEntries(
      BUILDING_STATUSES.map((status) => [status, make((c2d, c) => disc(c2d, c, colors[status]))]),
    ) as Record<BuildingStatus, Sprite>;
    // `partial`: the lighter disc with the done share as a darker wedge from twelve o'clock.
    const partial = Array.from({ length: SHARE_STEPS + 1 }, (_, step) =>
      make((c2d, c) => {
        disc(c2d, c, colors.partial);
        if (step === 0 || r < 3.5) return;
        c2d.beginPath();
        c2d.moveTo(c, c);
        c2d.arc(c, c, r - (outline ? 0.5 : 0), -Math.PI / 2, -Math.PI / 2 + (TAU * step) / SHARE_STEPS);
        c2d.closePath();
        c2d.fillStyle = colors.done;
        c2d.fill();
      }),
    );
    sprites = { r, dpr, size, byStatus, partial };
    return sprites;
  }

  // ----- painting

  function paintBoundaries(canvas: HTMLCanvasElement, bounds: Leaflet.Bounds) {
    const prepared = prepareCanvas(L, canvas, bounds);
    if (!prepared || !drawn) return;
    const { ctx, min, size, dpr } = prepared;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    const k = scaleAt(map.getZoom());
    const origin = map.getPixelOrigin();
    const ox = origin.x + min.x;
    const oy = origin.y + min.y;
    const style = {
      grid: { color: "#64748b", width: 1, fill: null },
      community: { color: "#334155", width: 2, fill: tiles ? null : "rgba(15, 92, 140, 0.05)" },
      street: { color: "#0f172a", width: 3, fill: null },
      district: { color: "#0f172a", width: 3, fill: tiles ? null : "rgba(15, 92, 140, 0.05)" },
      city: { color: "#0f172a", width: 3, fill: null },
    } as const;
    ctx.lineJoin = "round";
    for (const level of ["grid", "community", "street", "district", "city"] as const) {
      ctx.beginPath();
      let any = false;
      for (const outline of drawn.outlines) {
        if (outline.level !== level) continue;
        if (
          outline.maxX * k < ox ||
          outline.minX * k > ox + size.x ||
          outline.maxY * k < oy ||
          outline.minY * k > oy + size.y
        )
          continue;
        any = true;
        for (const ring of outline.rings) {
          ctx.moveTo(ring[0] * k - ox, ring[1] * k - oy);
          for (let p = 2; p < ring.length; p += 2) ctx.lineTo(ring[p] * k - ox, ring[p + 1] * k - oy);
          ctx.closePath();
        }
      }
      if (!any) continue;
      const { color, width, fill } = style[level];
      if (fill) {
        ctx.fillStyle = fill;
        ctx.fill();
      }
      ctx.lineWidth = width;
      ctx.strokeStyle = color;
      ctx.stroke();
    }
  }

  function paintBuildings(canvas: HTMLCanvasElement, bounds: Leaflet.Bounds) {
    const prepared = prepareCanvas(L, canvas, bounds);
    if (!prepared || !drawn) return;
    const { ctx, min, size, dpr, width, height } = prepared;
    const zoom = map.getZoom();
    const k = scaleAt(zoom);
    const origin = map.getPixelOrigin();
    const ox = origin.x + min.x;
    const oy = origin.y + min.y;
    const { wx, wy, buckets, data } = drawn;
    const r = dotRadius(data, zoom);
    const set = spritesFor(r, dpr);
    const s = set.size;
    const half = s / 2;

    // Copy each building's dot into one pixel buffer (device pixels), then put it on the canvas at once.
    if (!buffer || buffer.image.width !== width || buffer.image.height !== height) {
      const image = ctx.createImageData(width, height);
      buffer = { image, pixels: new Int32Array(image.data.buffer) };
    } else buffer.pixels.fill(0);
    const out = buffer.pixels;
    const kd = k * dpr;
    const oxd = ox * dpr + half;
    const oyd = oy * dpr + half;
    for (const status of DRAW_ORDER) {
      const list = buckets[status];
      const partial = status === "partial";
      const plain = set.byStatus[status];
      for (let j = 0; j < list.length; j++) {
        const i = list[j];
        // Whole pixels as int32 (`| 0`: no -0 or doubles reach blit, which would cost it its optimisation).
        const x0 = Math.floor(wx[i] * kd - oxd + 0.5) | 0;
        const y0 = Math.floor(wy[i] * kd - oyd + 0.5) | 0;
        if (x0 <= -s || y0 <= -s || x0 >= width || y0 >= height) continue;
        // Partly done is never drawn empty or full: those would read as not visited, or done.
        const sprite = partial
          ? set.partial[Math.min(SHARE_STEPS - 1, Math.max(1, Math.round(data.share[i] * SHARE_STEPS)))]
          : plain;
        blit(out, width, height, sprite, x0, y0);
      }
    }
    ctx.putImageData(buffer.image, 0, 0);
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);

    if (selected !== null && Number.isFinite(wx[selected])) {
      const x = wx[selected] * k - ox;
      const y = wy[selected] * k - oy;
      ctx.beginPath();
      ctx.arc(x, y, r + 4, 0, TAU);
      ctx.lineWidth = 3;
      ctx.strokeStyle = "#111827";
      ctx.stroke();
      ctx.beginPath();
      ctx.arc(x, y, r + 6.5, 0, TAU);
      ctx.lineWidth = 2;
      ctx.strokeStyle = "#ffffff";
      ctx.stroke();
    }

    // Labels: communities when zoomed out, grids when in; a white halo reads on any basemap. An area
    // view labels its items, under their dots.
    const areaView = data.view === "areas";
    const level = zoom < GRID_LABEL_ZOOM ? "community" : "grid";
    const below = areaView ? r + 12 : 0;
    ctx.font = LABEL_FONT;
    ctx.textAlign = "center";
    ctx.textBaseline = "middle";
    ctx.lineJoin = "round";
    ctx.lineWidth = 4;
    ctx.strokeStyle = "rgba(255, 255, 255, 0.92)";
    ctx.fillStyle = "#0f172a";
    // Greedy placement: a label that would overlap one already drawn is left out at this zoom.
    const placed: number[] = [];
    for (const label of drawn.labels) {
      if (areaView ? !label.item : label.level !== level) continue;
      const x = label.wx * k - ox;
      const y = label.wy * k - oy + below;
      if (x < -100 || y < -20 || x > size.x + 100 || y > size.y + 20) continue;
      label.width ??= ctx.measureText(label.text).width;
      const left = x - label.width / 2 - 3;
      const right = x + label.width / 2 + 3;
      const top = y - 10;
      const bottom = y + 10;
      let free = true;
      for (let p = 0; p < placed.length && free; p += 4)
        free = right < placed[p] || left > placed[p + 1] || bottom < placed[p + 2] || top > placed[p + 3];
      if (!free) continue;
      placed.push(left, right, top, bottom);
      ctx.strokeText(label.text, x, y);
      ctx.fillText(label.text, x, y);
    }
  }

  // ----- the two canvas layers, positioned and zoom-animated by L.Renderer

  const rendererUpdate = (L.Renderer.prototype as unknown as { _update(this: unknown): void })._update;
  const CanvasLayerClass = (
    L.Renderer as unknown as { extend(props: object): new (options?: object) => CanvasLayer }
  ).extend({
    options: { padding: PADDING },
    _initContainer(this: CanvasLayer) {
      const canvas = document.createElement("canvas");
      canvas.setAttribute("aria-hidden", "true");
      this._container = canvas;
    },
    _destroyContainer(this: CanvasLayer) {
      this._container?.remove();
    },
    _update(this: CanvasLayer & { options: { paint(c: HTMLCanvasElement, b: Leaflet.Bounds): void } }) {
      if (this._map?._animatingZoom && this._bounds) return;
      rendererUpdate.call(this);
      if (this._container) this.options.paint(this._container, this._bounds);
    },
  });
  // Both panes let clicks through to the map, which hit-tests the buildings itself.
  for (const [name, z] of [
    ["completion-boundaries", "400"],
    ["completion-buildings", "450"],
  ] as const) {
    const pane = map.createPane(name);
    pane.style.zIndex = z;
    pane.style.pointerEvents = "none";
  }
  const boundaryLayer = new CanvasLayerClass({ pane: "completion-boundaries", paint: paintBoundaries });
  const buildingLayer = new CanvasLayerClass({
    pane: "completion-buildings",
    paint(canvas: HTMLCanvasElement, bounds: Leaflet.Bounds) {
      const started = performance.now();
      paintBuildings(canvas, bounds);
      options.onPaint?.(performance.now() - started);
    },
  });
  boundaryLayer.addTo(map);
  buildingLayer.addTo(map);
  // Before the map has a view Leaflet defers adding the layers; they paint themselves once added.
  const repaint = (layer: CanvasLayer) => {
    if (layer._map && layer._container) layer._update();
  };
  const hasView = () => {
    try {
      map.getCenter();
      return true;
    } catch {
      return false;
    }
  };

  // ----- reading the view

  function visible(): number[] {
    if (!drawn || !hasView()) return [];
    const bounds = map.getPixelBounds();
    const k = scaleAt(map.getZoom());
    const out: number[] = [];
    const { wx, wy } = drawn;
    const minX = bounds.min?.x ?? 0;
    const minY = bounds.min?.y ?? 0;
    const maxX = bounds.max?.x ?? 0;
    const maxY = bounds.max?.y ?? 0;
    for (let i = 0; i < wx.length; i++) {
      const x = wx[i] * k;
      const y = wy[i] * k;
      if (x >= minX && x <= maxX && y >= minY && y <= maxY) out.push(i);
    }
    return out;
  }

  function hit(layerPoint: Leaflet.Point, tolerance: number): number {
    if (!drawn) return -1;
    const zoom = map.getZoom();
    const k = scaleAt(zoom);
    const origin = map.getPixelOrigin();
    const px = layerPoint.x + origin.x;
    const py = layerPoint.y + origin.y;
    const reach = dotRadius(drawn.data, zoom) + tolerance;
    let best = -1;
    let bestD = reach * reach;
    const { wx, wy } = drawn;
    for (let i = 0; i < wx.length; i++) {
      const dx = wx[i] * k - px;
      const dy = wy[i] * k - py;
      const d = dx * dx + dy * dy;
      if (d <= bestD) {
        bestD = d;
        best = i;
      }
    }
    return best;
  }

  const notifyView = () => options.onView?.(visible());
  map.on("moveend", notifyView);
  map.on("click", (event: Leaflet.LeafletMouseEvent) => {
    // A finger is wider than a cursor: a generous tolerance makes every dot a 44 px target.
    const coarse = window.matchMedia?.("(pointer: coarse)").matches;
    const index = hit(event.layerPoint, coarse ? 16 : 6);
    if (index >= 0) options.onPick(index);
  });
  map.on("mousemove", (event: Leaflet.LeafletMouseEvent) => {
    if (hoverFrame) return;
    hoverFrame = requestAnimationFrame(() => {
      hoverFrame = 0;
      el.style.cursor = hit(event.layerPoint, 4) >= 0 ? "pointer" : "";
    });
  });

  // ----- data

  function project(lat: number, lng: number, toDisplay: DisplayTransform | null, into: Leaflet.LatLng) {
    if (toDisplay) {
      const [y, x] = toDisplay(lat, lng);
      into.lat = y;
      into.lng = x;
    } else {
      into.lat = lat;
      into.lng = lng;
    }
    return crs.latLngToPoint(into, 0);
  }

  function prepare(data: DecodedCompletion, toDisplay: DisplayTransform | null): Drawn {
    const n = data.count;
    const wx = new Float64Array(n);
    const wy = new Float64Array(n);
    const scratch = L.latLng(0, 0);
    for (let i = 0; i < n; i++) {
      const lat = data.lat[i];
      const lng = data.lng[i];
      if (Number.isNaN(lat) || Number.isNaN(lng)) {
        wx[i] = Number.NaN;
        wy[i] = Number.NaN;
        continue;
      }
      const p = project(lat, lng, toDisplay, scratch);
      wx[i] = p.x;
      wy[i] = p.y;
    }
    // Buckets hold only buildings with coordinates.
    const sizes = Object.fromEntries(BUILDING_STATUSES.map((s) => [s, 0])) as Record<BuildingStatus, number>;
    for (let i = 0; i < n; i++) if (!Number.isNaN(wx[i])) sizes[data.status[i]] += 1;
    const buckets = Object.fromEntries(BUILDING_STATUSES.map((s) => [s, new Int32Array(sizes[s])])) as Record<
      BuildingStatus,
      Int32Array
    >;
    const filled = Object.fromEntries(BUILDING_STATUSES.map((s) => [s, 0])) as Record<BuildingStatus, number>;
    for (let i = 0; i < n; i++) {
      if (Number.isNaN(wx[i])) continue;
      const s = data.status[i];
      buckets[s][filled[s]++] = i;
    }

    const byId = new Map(data.areas.map((a) => [a.id, a]));
    const labels: Label[] = [];
    const outlines: Outline[] = [];
    for (const area of data.areas) {
      if (area.boundary) {
        const outline: Outline = {
          level: area.level,
          rings: [],
          minX: Number.POSITIVE_INFINITY,
          minY: Number.POSITIVE_INFINITY,
          maxX: Number.NEGATIVE_INFINITY,
          maxY: Number.NEGATIVE_INFINITY,
        };
        for (const ring of area.boundary) {
          const flat = new Float64Array(ring.length * 2);
          ring.forEach(([lng, lat], j) => {
            const p = project(lat, lng, toDisplay, scratch);
            flat[j * 2] = p.x;
            flat[j * 2 + 1] = p.y;
            outline.minX = Math.min(outline.minX, p.x);
            outline.minY = Math.min(outline.minY, p.y);
            outline.maxX = Math.max(outline.maxX, p.x);
            outline.maxY = Math.max(outline.maxY, p.y);
          });
          if (flat.length >= 4) outline.rings.push(flat);
        }
        if (outline.rings.length) outlines.push(outline);
      }
      const item = data.view === "areas";
      if (area.level === "street" && !item) continue;
      const center = area.center ?? (area.boundary ? ringCentroid(area.boundary[0]) : null);
      if (!center) continue;
      const p = project(center[0], center[1], toDisplay, scratch);
      labels.push({
        text: item ? area.name : shortName(area, byId),
        level: area.level,
        item,
        wx: p.x,
        wy: p.y,
      });
    }
    return { data, wx, wy, buckets, labels, outlines };
  }

  function fitToData(): boolean {
    if (!drawn) return false;
    let minX = Number.POSITIVE_INFINITY;
    let minY = Number.POSITIVE_INFINITY;
    let maxX = Number.NEGATIVE_INFINITY;
    let maxY = Number.NEGATIVE_INFINITY;
    const { wx, wy, outlines } = drawn;
    for (let i = 0; i < wx.length; i++) {
      if (Number.isNaN(wx[i])) continue;
      minX = Math.min(minX, wx[i]);
      maxX = Math.max(maxX, wx[i]);
      minY = Math.min(minY, wy[i]);
      maxY = Math.max(maxY, wy[i]);
    }
    for (const o of outlines) {
      minX = Math.min(minX, o.minX);
      maxX = Math.max(maxX, o.maxX);
      minY = Math.min(minY, o.minY);
      maxY = Math.max(maxY, o.maxY);
    }
    if (!Number.isFinite(minX)) return false;
    const bounds = L.latLngBounds(
      crs.pointToLatLng(L.point(minX, minY), 0),
      crs.pointToLatLng(L.point(maxX, maxY), 0),
    );
    // Room on the right for the zoom buttons, so no building sits under them.
    map.fitBounds(bounds, {
      paddingTopLeft: [12, 12],
      paddingBottomRight: [56, 12],
      maxZoom: 18,
      animate: false,
    });
    return true;
  }

  return {
    map,
    setData(data, toDisplay = null) {
      const key = data.areas.map((a) => a.id).join(",");
      drawn = prepare(data, toDisplay);
      if (selected !== null && selected >= data.count) selected = null;
      if (key !== areaKey) {
        areaKey = key;
        // A new place (the first data, another area or officer): show all of it; the fit's moveend
        // repaints. The same place again (a refresh, another date): keep the supervisor's view.
        if (fitToData()) return;
      }
      if (!hasView()) map.setView([0, 0], 3, { animate: false });
      repaint(boundaryLayer);
      repaint(buildingLayer);
      notifyView();
    },
    select(index) {
      selected = index;
      repaint(buildingLayer);
    },
    reveal(index) {
      if (!drawn || Number.isNaN(drawn.wx[index])) return;
      const latLng = crs.pointToLatLng(L.point(drawn.wx[index], drawn.wy[index]), 0);
      map.setView(latLng, Math.max(map.getZoom(), 17), { animate: true });
    },
    visible,
    remove() {
      if (hoverFrame) cancelAnimationFrame(hoverFrame);
      map.remove();
    },
  };
}
