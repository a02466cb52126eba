/** Small statistics helpers for the benchmark (nearest-rank percentiles). */
export interface Stats {
  p50_ms: number;
  p99_ms: number;
  mean_ms: number;
  min_ms: number;
  n: number;
}

export const round = (n: number, digits = 3) => Math.round(n * 10 ** digits) / 10 ** digits;

export function stats(durations: number[]): Stats {
  const sorted = [...durations].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
  return {
    p50_ms: round(at(0.5)),
    p99_ms: round(at(0.99)),
    mean_ms: round(sorted.reduce((s, d) => s + d, 0) / sorted.length),
    min_ms: round(sorted[0] ?? NaN),
    n: sorted.length,
  };
}

export const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)] ?? NaN;
};

export const mean = (values: number[]) => values.reduce((s, v) => s + v, 0) / values.length;
