// The statistics of an eval's scores: pure functions, each unit-tested number by number.

/** z for a two-sided 95 % interval. */
export const Z95 = 1.959963984540054;

/**
 * The Wilson score interval of a proportion (successes of n): unlike the normal
 * approximation it stays inside [0, 1] and is sound for small n and rates near 0 or 1.
 */
export function wilsonInterval(successes: number, n: number, z = Z95): { low: number; high: number } | null {
  if (n <= 0) return null;
  const p = successes / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const center = (p + z2 / (2 * n)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denom;
  return { low: Math.max(0, center - half), high: Math.min(1, center + half) };
}

/**
 * The unbiased estimator of pass@k for one case with n trials of which c passed (Chen et al.,
 * 2021): 1 - C(n-c, k) / C(n, k), the chance that k trials drawn without replacement hold a
 * pass; computed as a product, so no factorial overflows. Needs k <= n.
 */
export function passAtK(n: number, c: number, k: number): number {
  if (k < 1 || k > n) throw new RangeError(`pass@${k} needs 1 <= k <= n (n = ${n})`);
  if (n - c < k) return 1;
  let fail = 1;
  for (let i = n - c + 1; i <= n; i++) fail *= 1 - k / i;
  return 1 - fail;
}

/**
 * McNemar's exact test, one-sided, on paired outcomes: `lost` pairs passed before and fail now,
 * `gained` the opposite. Under "no change" each discordant pair goes either way with chance
 * 1/2, so the p-value is P(X >= lost) for X ~ Binomial(lost + gained, 1/2).
 */
export function mcnemarOneSided(lost: number, gained: number): number {
  const n = lost + gained;
  if (n === 0 || lost === 0) return 1;
  return n <= EXACT_MAX_N ? binomialTailExact(n, lost) : binomialTailLog(n, lost);
}

/** Up to this many pairs the tail is summed in whole numbers (2^1000 still fits a double). */
const EXACT_MAX_N = 1000;

/** P(X >= k), X ~ Bin(n, 1/2), summed as integers: exact, then one division. */
function binomialTailExact(n: number, k: number): number {
  let c = 1n;
  let tail = 0n;
  for (let i = 0; i <= n; i++) {
    if (i > 0) c = (c * BigInt(n - i + 1)) / BigInt(i);
    if (i >= k) tail += c;
  }
  return Math.min(1, Number(tail) / Number(1n << BigInt(n)));
}

/** The same in log space, for counts past EXACT_MAX_N. */
function binomialTailLog(n: number, k: number): number {
  let logC = 0;
  let sum = 0;
  for (let i = 0; i <= n; i++) {
    if (i > 0) logC += Math.log(n - i + 1) - Math.log(i);
    if (i >= k) sum += Math.exp(logC - n * Math.LN2);
  }
  return Math.min(1, sum);
}

/** The q-quantile by nearest rank (q = 0.5: the median, of an even count the lower middle). */
export function nearestRank(values: readonly number[], q: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)]!;
}
