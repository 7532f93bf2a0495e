-- Engine-side k6 ingest (embedded engine): the loader reads the k6 file with the engine's own
-- reader (LineAsString, one row per line, `_row_number` = line - 1), parses each line once and
-- inserts here; the views split valid Points (-> k6_samples -> k6_minute) from rejected lines.
CREATE TABLE IF NOT EXISTS {{db}}.k6_lines (
  run_id String,
  source String,
  line UInt64,
  type String,                          -- declared metric type
  reason String,                        -- '' for a valid Point, 'metric' for a declaration, else why it was rejected
  p Tuple(type String, metric String, data Tuple(time String, value Float64, tags Map(String, String)))
) ENGINE = Null;

CREATE MATERIALIZED VIEW IF NOT EXISTS {{db}}.k6_lines_points_mv TO {{db}}.k6_samples AS
SELECT
  run_id,
  source,
  line,
  p.metric AS metric,
  type,
  p.data.value AS value,
  p.data.tags AS tags,
  parseDateTime64BestEffort(p.data.time, 3) AS ts
FROM {{db}}.k6_lines
WHERE reason = '';

-- Malformed lines of a k6 file, with the reason (reported by `d11 ingest k6`).
CREATE TABLE IF NOT EXISTS {{db}}.k6_rejects (
  run_id String,
  source String,
  line UInt64,
  reason String
) ENGINE = ReplacingMergeTree
ORDER BY (run_id, source, line)
SETTINGS non_replicated_deduplication_window = 10000;

CREATE MATERIALIZED VIEW IF NOT EXISTS {{db}}.k6_lines_rejects_mv TO {{db}}.k6_rejects AS
SELECT run_id, source, line, reason
FROM {{db}}.k6_lines
WHERE reason NOT IN ('', 'metric');
