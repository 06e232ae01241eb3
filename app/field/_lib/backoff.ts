// Apart from the push loop (./push), which loads at the first sync: the wait is needed when it fails.

/** Waits after the n-th failure in a row: exponential from 5 s up to 5 min, with full jitter. */
export function backoffDelay(failures: number, random: () => number = Math.random): number {
  const ceiling = Math.min(5 * 60_000, 5_000 * 2 ** Math.max(0, failures - 1));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
