// Small numeric helpers shared by the benchmarks: percentiles, medians and human-readable figures.

/** The p-th percentile (0–100) of the values, by the nearest-rank method. */
export function percentile(values, p) {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1];
}

export function median(values) {
  return percentile(values, 50);
}

/** p50/p95/p99/max/mean of latencies in milliseconds, rounded for the report. */
export function summarize(values) {
  const mean = values.reduce((a, b) => a + b, 0) / Math.max(values.length, 1);
  return {
    count: values.length,
    p50: round(percentile(values, 50)),
    p95: round(percentile(values, 95)),
    p99: round(percentile(values, 99)),
    max: round(Math.max(...values)),
    mean: round(mean),
  };
}

export function round(x, digits = 2) {
  if (!Number.isFinite(x)) return x;
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

export function ms(x) {
  if (!Number.isFinite(x)) return 'n/a';
  if (x >= 10000) return `${(x / 1000).toFixed(1)} s`;
  if (x >= 1000) return `${(x / 1000).toFixed(2)} s`;
  if (x >= 100) return `${x.toFixed(0)} ms`;
  return `${x.toFixed(x >= 10 ? 1 : 2)} ms`;
}

export function mb(kib) {
  return Number.isFinite(kib) ? `${(kib / 1024).toFixed(0)} MB` : 'n/a';
}

export function count(n) {
  return Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : 'n/a';
}

export function ratio(x, digits = 2) {
  return Number.isFinite(x) ? `${x.toFixed(digits)}×` : 'n/a';
}
