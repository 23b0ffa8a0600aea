/** Worker slots of a host when nobody said: 3/4 of the cores, at most one per 1.5 GiB of memory, at least 1. */
export function defaultSlots(cores: number, memBytes: number): number {
  return Math.max(1, Math.min(Math.floor(cores * 0.75), Math.floor(memBytes / (1.5 * 1024 ** 3))));
}
