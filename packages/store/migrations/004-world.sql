-- Generated world dimensions (@d11/generator/entities), keyed by world and entity id.
CREATE TABLE IF NOT EXISTS {{db}}.merchants (
  world_id String,
  merchant_id String,
  name String,
  shop_type LowCardinality(String),
  category LowCardinality(String),
  region LowCardinality(String),
  violation_points Float64,
  activity_level Float64,
  composite_ranking Float64,
  basic_service_score Float64,
  experience String,                    -- JSON of ExperienceInputs
  cross_store_coupon UInt8,
  opened_at String
) ENGINE = ReplacingMergeTree
ORDER BY (world_id, merchant_id);

CREATE TABLE IF NOT EXISTS {{db}}.skus (
  world_id String,
  sku_id String,
  merchant_id String,
  title String,
  category LowCardinality(String),
  list_price_fen Int64,
  stock Int64,
  presale UInt8,
  deposit_fen Int64,
  contract_ship_hours Nullable(Float64)
) ENGINE = ReplacingMergeTree
ORDER BY (world_id, sku_id);

CREATE TABLE IF NOT EXISTS {{db}}.buyers (
  world_id String,
  buyer_id String,
  name String,
  region LowCardinality(String),
  city String,
  membership LowCardinality(String),
  registered_at String
) ENGINE = ReplacingMergeTree
ORDER BY (world_id, buyer_id);

CREATE TABLE IF NOT EXISTS {{db}}.orders (
  world_id String,
  order_id String,
  buyer_id String,
  kind LowCardinality(String),
  wave UInt8,
  region LowCardinality(String),
  shop_count UInt16,
  total_fen Int64,
  deposit_fen Int64,
  final_payment_fen Int64,
  created_at String,
  sim_time Int64,
  paid_at Nullable(String),
  item_sku_ids Array(String),
  item_merchant_ids Array(String),
  item_quantities Array(UInt32),
  item_unit_price_fen Array(Int64)
) ENGINE = ReplacingMergeTree
ORDER BY (world_id, order_id);
