#!/bin/bash
# SQLite's own CPU per imported row on the store's schema, one part at a time (docs/performance.md,
# "Import in 0.3.0, part 2"): the sqlite3 shell inserts generated rows like CsvImportBenchmarks'
# into a copy of the schema in one BEGIN IMMEDIATE transaction (WAL, synchronous=FULL, the import's
# 256 MiB cache) and prints each statement's real/user/sys time (.timer) and the file bytes per row.
# Usage: sqlite-import-profile.sh SCHEMA_DB ROWS DOC_CHARS MESSAGES_PER_3_ROWS FEED(1|0) [EXTRA_SQL]
#   SCHEMA_DB: any file migrated by SqliteStore (e.g. `storage-opportunities`' kept file)
#   e.g. sqlite-import-profile.sh storage-opportunities-1000.db 200000 520 4 1     # 0.2.0's outbox rows
#        sqlite-import-profile.sh storage-opportunities-1000.db 200000 520 0 0 "DROP INDEX opportunities_partner;"
set -euo pipefail
schema_db=$1; rows=$2; doc=$3; msgs=$4; feed=$5; extra=${6:-}
db=$(mktemp -d)/profile.db
sqlite3 "$schema_db" .schema | grep -v '^CREATE TABLE sqlite_sequence' | sqlite3 "$db"
if [ "$feed" = 0 ]; then sqlite3 "$db" "DROP TRIGGER opportunity_feed_insert;"; fi
if [ -n "$extra" ]; then sqlite3 "$db" "$extra"; fi
sqlite3 "$db" <<SQL
PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA cache_size=-262144;
.timer on
BEGIN IMMEDIATE;
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < $rows)
INSERT INTO opportunities (tenant, id, partner, pipeline_id, stage, amount_minor, currency, expected_close, probability_override_bp, region, product_line, is_open, next_due_at, version, document, stage_kind, probability_bp, forecast_category, closed_at)
SELECT 'bench', printf('opp-%07d', i), printf('partner-%03d', abs(random()) % 200), 'default', 'Proposal', i * 100, 'EUR', '2025-06-15', NULL, 'DE-South', 'heat-pumps', 1, NULL, 1, substr(hex(randomblob($doc)), 1, $doc), 0, 5000, 1, NULL FROM n;
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < $rows * $msgs / 3)
INSERT INTO outbox (id, tenant, topic, type, payload, created_at, attempts, due_at, status)
SELECT printf('SalesOpportunity/opp-%07d/%d@bench', i * 3 / 4, 1 + i % 2), 'bench', 'domain-event', 'OpportunityOpened', substr(hex(randomblob(450)), 1, 450), '2025-01-06T09:00:00.000000000Z', 0, '2025-01-06T09:00:00.000000000Z', 'pending' FROM n;
COMMIT;
.timer off
SELECT 'file bytes per row', (SELECT page_count * page_size FROM pragma_page_count, pragma_page_size) / $rows;
SQL
rm -rf "$(dirname "$db")"
