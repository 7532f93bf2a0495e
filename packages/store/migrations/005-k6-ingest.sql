-- Fast k6 ingest path: the loader sends each validated Point line unchanged, wrapped as
-- {"run_id","source","l":<line>,"t":<metric type>,"p":<k6 line>}; this view shapes it into
-- k6_samples (and so into k6_minute). The Null table stores nothing itself.
CREATE TABLE IF NOT EXISTS {{db}}.k6_ingest (
  run_id String,
  source String,
  l UInt64,
  t String,
  p Tuple(metric String, data Tuple(time String, value Float64, tags Map(String, String)))
) ENGINE = Null;

CREATE MATERIALIZED VIEW IF NOT EXISTS {{db}}.k6_ingest_mv TO {{db}}.k6_samples AS
SELECT
  run_id,
  source,
  l AS line,
  p.metric AS metric,
  t AS type,
  p.data.value AS value,
  p.data.tags AS tags,
  parseDateTime64BestEffort(p.data.time, 3) AS ts
FROM {{db}}.k6_ingest;
