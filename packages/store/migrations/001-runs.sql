-- Run manifest: one row per run, re-written on every status change (latest `updated_at` wins).
CREATE TABLE IF NOT EXISTS {{db}}.runs (
  run_id String,
  kind LowCardinality(String),          -- load | whatif | serve
  status LowCardinality(String),        -- running | passed | failed | interrupted
  seed UInt64,
  scale Float64,
  calendar String,
  scenario String,
  git_sha String,
  parameters String,                    -- JSON object
  started_at Int64,                     -- epoch ms (wall clock)
  finished_at Int64,                    -- epoch ms, 0 while running
  updated_at Int64                      -- version column
) ENGINE = ReplacingMergeTree(updated_at)
ORDER BY run_id;
