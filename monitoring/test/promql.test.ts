import { PromqlSyntaxError, durationSeconds, formatDuration, scaleRanges, selectedMetricNames } from '../src';

describe('selectedMetricNames', () => {
  it('finds selectors anywhere in an expression, not functions, labels or keywords', () => {
    const expr =
      'sum by (reason) (rate(treasury_execution_errors_total{job="x"}[5m])) > 0 and on () ' +
      'histogram_quantile(0.99, sum by (le) (rate(foo_seconds_bucket[5m]))) unless {__name__="bar"} offset 5m or vector(0)';
    expect([...selectedMetricNames(expr)].sort()).toEqual(['bar', 'foo_seconds_bucket', 'treasury_execution_errors_total']);
  });

  it('returns recording-rule names as they are written', () => {
    expect([...selectedMetricNames('blockops:receipt_poller_lag:blocks > 100')]).toEqual(['blockops:receipt_poller_lag:blocks']);
  });

  it('refuses an expression that does not parse', () => {
    expect(() => selectedMetricNames('sum(rate(x[5m])')).toThrow(PromqlSyntaxError);
  });
});

describe('durations', () => {
  it('reads and writes Prometheus durations', () => {
    expect(durationSeconds('1h30m')).toBe(5400);
    expect(durationSeconds('250ms')).toBe(0.25);
    expect(() => durationSeconds('5 minutes')).toThrow(/not a Prometheus duration/);
    expect(formatDuration(5400)).toBe('1h30m');
    expect(formatDuration(90)).toBe('1m30s');
    expect(formatDuration(0)).toBe('0s');
  });

  it('scales ranges and subquery ranges, leaving offsets and thresholds alone', () => {
    const scaled = scaleRanges('max_over_time(rate(x[10m])[30m:1m]) > 600 and y offset 5m', (s) => s / 60);
    expect(scaled).toBe('max_over_time(rate(x[10s])[30s:1m]) > 600 and y offset 5m');
  });
});
