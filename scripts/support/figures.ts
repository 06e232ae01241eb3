/**
 * How a bench hands its figures to `npm run bench` (scripts/bench.ts): when BENCH_JSON names a file,
 * the bench writes its figures there as JSON; otherwise nothing happens, so what a bench prints on its
 * own never changes. Each bench judges its own aim (`met`), since only it knows what the aim is about.
 */
import fs from "node:fs";

export interface Figure {
  figure: string;
  unit: string;
  measured: number;
  /** The same quantity measured in the same run by a plain means (a bare INSERT, COPY, a bare store…). */
  baseline?: number | null;
  /** measured / baseline unless the bench says otherwise (a rate's ratio is measured / baseline too). */
  ratio?: number | null;
  /** The aim as text, "≤ 2000 ms", "≥ 0.2 of COPY". */
  aim?: string | null;
  met?: boolean | null;
}

export function emitFigures(bench: string, figures: Figure[]): void {
  const file = process.env.BENCH_JSON;
  if (!file) return;
  const withRatios = figures.map((f) => ({
    ...f,
    ratio: f.ratio ?? (f.baseline ? f.measured / f.baseline : null),
  }));
  fs.writeFileSync(file, JSON.stringify({ bench, figures: withRatios }, null, 2));
}
