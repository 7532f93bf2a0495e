-- k6 `--out json` samples. Identity: (run_id, source file, line) hashed into sample_id.
CREATE TABLE IF NOT EXISTS {{db}}.k6_samples (
  run_id String,
  source String,
  line UInt64,
  sample_id UInt64 DEFAULT cityHash64(run_id, source, line),
  metric LowCardinality(String),
  type LowCardinality(String),          -- counter | gauge | rate | trend (from the declaration)
  value Float64,
  tags Map(String, String),
  scenario LowCardinality(String) DEFAULT tags['scenario'],
  ts DateTime64(3, 'UTC')
) ENGINE = ReplacingMergeTree
ORDER BY (run_id, metric, ts, sample_id)
SETTINGS non_replicated_deduplication_window = 10000;

-- `{"type":"Metric"}` declarations.
CREATE TABLE IF NOT EXISTS {{db}}.k6_metrics (
  run_id String,
  metric String,
  type LowCardinality(String),
  contains LowCardinality(String),
  thresholds Array(String)
) ENGINE = ReplacingMergeTree
ORDER BY (run_id, metric);

-- Per run/scenario/metric/minute aggregates the report reads (count, sum, max, p50/p95/p99).
CREATE TABLE IF NOT EXISTS {{db}}.k6_minute (
  run_id String,
  scenario LowCardinality(String),
  metric LowCardinality(String),
  minute DateTime('UTC'),
  n AggregateFunction(count),
  total AggregateFunction(sum, Float64),
  peak AggregateFunction(max, Float64),
  q AggregateFunction(quantiles(0.5, 0.95, 0.99), Float64)
) ENGINE = AggregatingMergeTree
ORDER BY (run_id, scenario, metric, minute)
SETTINGS non_replicated_deduplication_window = 10000;

CREATE MATERIALIZED VIEW IF NOT EXISTS {{db}}.k6_minute_mv TO {{db}}.k6_minute AS
SELECT
  run_id,
  scenario,
  metric,
  toStartOfMinute(ts) AS minute,
  countState() AS n,
  sumState(value) AS total,
  maxState(value) AS peak,
  quantilesState(0.5, 0.95, 0.99)(value) AS q
FROM {{db}}.k6_samples
GROUP BY run_id, scenario, metric, minute;
