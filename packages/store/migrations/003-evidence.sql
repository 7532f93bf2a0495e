-- Evidence rows from the spool (docs/contracts.md). Missing strings are '', numbers 0.
CREATE TABLE IF NOT EXISTS {{db}}.events (
  event_id String,
  run_id String,
  kind LowCardinality(String),
  sim_time Int64,
  wall_time Int64,
  merchant_id String,
  order_id String,
  sku_id String,
  buyer_id String,
  rule_id LowCardinality(String),
  amount_fen Int64,
  detail String
) ENGINE = ReplacingMergeTree
ORDER BY (run_id, event_id)
SETTINGS non_replicated_deduplication_window = 10000;

CREATE TABLE IF NOT EXISTS {{db}}.sla_verdicts (
  verdict_id String,
  run_id String,
  merchant_id String,
  order_id String,
  rule_id LowCardinality(String),
  metric LowCardinality(String),
  ok UInt8,
  value Float64,
  threshold Float64,
  sim_time Int64,
  wall_time Int64
) ENGINE = ReplacingMergeTree
ORDER BY (run_id, verdict_id)
SETTINGS non_replicated_deduplication_window = 10000;

CREATE TABLE IF NOT EXISTS {{db}}.payouts (
  payout_id String,
  run_id String,
  merchant_id String,
  order_id String,
  sku_id String,
  cause LowCardinality(String),         -- late_shipment | oversell | price_protection
  rule_id LowCardinality(String),
  amount_fen Int64,
  wave UInt8,
  sim_time Int64,
  wall_time Int64
) ENGINE = ReplacingMergeTree
ORDER BY (run_id, payout_id)
SETTINGS non_replicated_deduplication_window = 10000;
