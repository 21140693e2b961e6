#!/bin/bash
# PostgreSQL's own cost of taking ROWS opportunity rows by binary COPY (docs/performance.md, "Import:
# what the stores themselves allow"): no client, no row-level security, no feed. Generates ROWS rows like
# the import benchmarks' (a ≈ 560-character jsonb document) once into an unlogged table and writes them
# to two binary COPY files (every column; the twelve narrow pipeline columns), then times, each in its
# own transaction after a CHECKPOINT:
#   full    – every column into a copy of SCHEMA.opportunities with all its indexes (LIKE … INCLUDING ALL)
#   noidx   – every column, no index
#   narrow  – the narrow columns, primary key only
#   narrow2 – the narrow columns with the two indexes the reads need (partner; the covering pipeline index)
#   narrow2 built after – the same with both indexes created after the COPY (maintenance_work_mem 1 GB)
# Usage (as a role that may COPY from files, e.g. postgres):
#   postgres-import-floor.sh DATABASE SCHEMA ROWS
#   SCHEMA: any schema migrated by PostgreSqlStore (e.g. pipe_keep_1000000 kept by PipelineStoreBenchmarks)
set -euo pipefail
db=$1; s=$2; rows=$3
dir=$(mktemp -d); chmod 777 "$dir"
narrow_table="(tenant text COLLATE \"C\" NOT NULL, id text COLLATE \"C\" NOT NULL, partner text COLLATE \"C\" NOT NULL, stage text NOT NULL, amount_minor bigint NOT NULL, currency text NOT NULL, expected_close date NOT NULL, stage_kind smallint, probability_bp smallint, forecast_category smallint, region text, product_line text, PRIMARY KEY (tenant, id))"
indexes() { echo "CREATE INDEX ON $s.floor_$1 (tenant, partner); CREATE INDEX ON $s.floor_$1 (tenant, stage_kind, partner, stage, currency) INCLUDE (amount_minor, probability_bp, forecast_category, expected_close, region, product_line, id) WHERE stage_kind = ANY (ARRAY[0, 1]);"; }
psql -v ON_ERROR_STOP=1 -d "$db" <<SQL
DROP TABLE IF EXISTS $s.floor_src, $s.floor_full, $s.floor_noidx, $s.floor_narrow, $s.floor_narrow2, $s.floor_narrow3;
CREATE UNLOGGED TABLE $s.floor_src AS SELECT 'bench'::text AS tenant, 'opp-' || lpad(i::text, 8, '0') AS id, 'partner-' || (abs(hashint4(i)) % 200) AS partner, 'default' AS pipeline_id, 'Proposal' AS stage, (i * 100)::bigint AS amount_minor, 'EUR' AS currency, date '2025-06-15' + (i % 180) AS expected_close, NULL::int AS probability_override_bp, 'DE-South' AS region, 'heat-pumps' AS product_line, true AS is_open, NULL::timestamptz AS next_due_at, 1::bigint AS version,
  jsonb_build_object('id', 'opp-' || i, 'tenant', 'bench', 'partner', 'partner-x', 'name', repeat('n', 40), 'amount', jsonb_build_object('amount', i, 'currency', 'EUR'), 'stage', 'Proposal', 'expectedClose', '2025-06-15', 'history', jsonb_build_array(jsonb_build_object('stage', 'Qualification', 'at', '2025-01-06T09:00:00Z', 'by', 'import')), 'notes', repeat('x', 250)) AS document,
  NULL::text AS lease_owner, NULL::timestamptz AS lease_until, NULL::text AS source_lead, 1::smallint AS stage_kind, 5000::smallint AS probability_bp, 1::smallint AS forecast_category, NULL::timestamptz AS closed_at, NULL::text AS products, NULL::bigint AS dup_company_key, NULL::bigint AS dup_email_domain_key, NULL::bigint AS dup_phone_key
FROM generate_series(1, $rows) i;
COPY $s.floor_src TO '$dir/full.bin' (FORMAT binary);
COPY (SELECT tenant, id, partner, stage, amount_minor, currency, expected_close, stage_kind, probability_bp, forecast_category, region, product_line FROM $s.floor_src) TO '$dir/narrow.bin' (FORMAT binary);
CREATE TABLE $s.floor_full (LIKE $s.opportunities INCLUDING ALL);
CREATE TABLE $s.floor_noidx (LIKE $s.opportunities INCLUDING DEFAULTS INCLUDING CONSTRAINTS);
CREATE TABLE $s.floor_narrow $narrow_table;
CREATE TABLE $s.floor_narrow2 $narrow_table;
$(indexes narrow2)
CREATE TABLE $s.floor_narrow3 $narrow_table;
\timing on
\echo full
CHECKPOINT; BEGIN; COPY $s.floor_full FROM '$dir/full.bin' (FORMAT binary); COMMIT;
\echo noidx
CHECKPOINT; BEGIN; COPY $s.floor_noidx FROM '$dir/full.bin' (FORMAT binary); COMMIT;
\echo narrow
CHECKPOINT; BEGIN; COPY $s.floor_narrow FROM '$dir/narrow.bin' (FORMAT binary); COMMIT;
\echo narrow2
CHECKPOINT; BEGIN; COPY $s.floor_narrow2 FROM '$dir/narrow.bin' (FORMAT binary); COMMIT;
\echo narrow2 built after
CHECKPOINT; SET maintenance_work_mem = '1GB'; BEGIN; COPY $s.floor_narrow3 FROM '$dir/narrow.bin' (FORMAT binary); $(indexes narrow3) COMMIT;
\timing off
DROP TABLE $s.floor_src, $s.floor_full, $s.floor_noidx, $s.floor_narrow, $s.floor_narrow2, $s.floor_narrow3;
SQL
rm -rf "$dir"
