#!/bin/bash
# SQLite's own CPU per imported row with the import's set-wise upkeep (docs/performance.md, "Import in
# 0.3.0, part 3"): the sqlite3 shell generates ROWS rows like CsvImportBenchmarks' into a temp table first
# (so their generation is not counted), then, in one BEGIN IMMEDIATE transaction (WAL, synchronous=FULL,
# the import's 256 MiB cache) on a copy of the store's schema without the feed's insert trigger, inserts
# them, writes their feed entries with one INSERT … SELECT and commits; with INDEXES=rebuild the table's
# non-unique secondary indexes are dropped first and built again after the rows. Prints each statement's
# real/user/sys time (.timer).
# Usage: sqlite-import-floor.sh SCHEMA_DB ROWS DOC_CHARS keep|rebuild
#   SCHEMA_DB: any file migrated by SqliteStore (e.g. one kept by `import-csv`), e.g.
#   sqlite-import-floor.sh import.db 200000 520 rebuild
set -euo pipefail
schema_db=$1; rows=$2; doc=$3; indexes=$4
db=$(mktemp -d)/floor.db
sqlite3 "$schema_db" .schema | grep -v '^CREATE TABLE sqlite_sequence' | sqlite3 "$db"
sqlite3 "$db" "DROP TRIGGER opportunity_feed_insert;"
drop=""; create=""
if [ "$indexes" = rebuild ]; then
  while IFS='|' read -r name; do drop+="DROP INDEX \"$name\";"; done < <(sqlite3 "$db" "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'opportunities' AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE %';")
  create=$(sqlite3 "$db" "SELECT group_concat(sql, ';' || char(10)) || ';' FROM sqlite_master WHERE type = 'index' AND tbl_name = 'opportunities' AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE %';")
fi
sqlite3 "$db" <<SQL
PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA cache_size=-262144; PRAGMA temp_store=MEMORY;
CREATE TEMP TABLE src AS WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < $rows)
SELECT 'bench' AS tenant, printf('opp-%08d', i) AS id, printf('partner-%03d', abs(random()) % 200) AS partner, 'default' AS pipeline_id, 'Proposal' AS stage, i * 100 AS amount_minor, 'EUR' AS currency, '2025-06-15' AS expected_close, NULL AS probability_override_bp, 'DE-South' AS region, 'heat-pumps' AS product_line, 1 AS is_open, NULL AS next_due_at, 1 AS version, substr(hex(randomblob($doc)), 1, $doc) AS document, abs(random()) % 3 AS stage_kind, 5000 AS probability_bp, 1 AS forecast_category, NULL AS closed_at FROM n;
.timer on
BEGIN IMMEDIATE;
$drop
INSERT INTO opportunities (tenant, id, partner, pipeline_id, stage, amount_minor, currency, expected_close, probability_override_bp, region, product_line, is_open, next_due_at, version, document, stage_kind, probability_bp, forecast_category, closed_at) SELECT * FROM src;
INSERT INTO opportunity_feed (tenant, id) SELECT tenant, id FROM src;
$create
COMMIT;
SQL
rm -rf "$(dirname "$db")"
