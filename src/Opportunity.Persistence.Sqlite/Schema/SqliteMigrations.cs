using Opportunity.Persistence.AdapterSupport;
namespace Opportunity.Persistence.Sqlite.Schema;

/// <summary>
/// The schema, as numbered migrations applied in order and recorded in <c>schema_migrations</c>.
/// Each aggregate is a JSON document (<see cref="SnapshotJson"/>) next to the columns that are
/// indexed or filtered on, so new snapshot fields need no migration. Instants are fixed-width UTC
/// ISO text (sortable, nanosecond-exact), local dates ISO dates, money integer minor units plus
/// the currency code. Never edit a shipped migration: add the next one.
/// </summary>
internal static class SqliteMigrations
{
    public static IReadOnlyList<(int Version, string Name, string Sql)> All { get; } =
    [
        (1, "initial schema", """
            CREATE TABLE leads (
                tenant           TEXT    NOT NULL,
                id               TEXT    NOT NULL,
                state            TEXT    NOT NULL,
                assigned_partner TEXT,
                next_due_at      TEXT,
                version          INTEGER NOT NULL CHECK (version >= 1),
                document         TEXT    NOT NULL,
                lease_owner      TEXT,
                lease_until      TEXT,
                PRIMARY KEY (tenant, id)
            ) WITHOUT ROWID;
            CREATE INDEX leads_due ON leads (next_due_at, tenant, id) WHERE next_due_at IS NOT NULL;
            CREATE INDEX leads_partner ON leads (tenant, assigned_partner, state);

            CREATE TABLE opportunities (
                tenant                  TEXT    NOT NULL,
                id                      TEXT    NOT NULL,
                partner                 TEXT    NOT NULL,
                pipeline_id             TEXT    NOT NULL,
                stage                   TEXT    NOT NULL,
                amount_minor            INTEGER NOT NULL CHECK (amount_minor >= 0),
                currency                TEXT    NOT NULL CHECK (length(currency) = 3),
                expected_close          TEXT    NOT NULL,
                probability_override_bp INTEGER CHECK (probability_override_bp BETWEEN 0 AND 10000),
                region                  TEXT,
                product_line            TEXT,
                is_open                 INTEGER NOT NULL CHECK (is_open IN (0, 1)),
                next_due_at             TEXT,
                version                 INTEGER NOT NULL CHECK (version >= 1),
                document                TEXT    NOT NULL,
                lease_owner             TEXT,
                lease_until             TEXT,
                PRIMARY KEY (tenant, id)
            ) WITHOUT ROWID;
            CREATE INDEX opportunities_due ON opportunities (next_due_at, tenant, id) WHERE next_due_at IS NOT NULL;
            CREATE INDEX opportunities_partner ON opportunities (tenant, partner, is_open);

            CREATE TABLE partners (
                tenant    TEXT    NOT NULL,
                id        TEXT    NOT NULL,
                name      TEXT    NOT NULL,
                is_active INTEGER NOT NULL CHECK (is_active IN (0, 1)),
                document  TEXT    NOT NULL,
                PRIMARY KEY (tenant, id)
            ) WITHOUT ROWID;

            CREATE TABLE outbox (
                seq             INTEGER PRIMARY KEY AUTOINCREMENT,
                id              TEXT    NOT NULL UNIQUE,
                tenant          TEXT    NOT NULL,
                topic           TEXT    NOT NULL,
                type            TEXT    NOT NULL,
                payload         TEXT    NOT NULL,
                created_at      TEXT    NOT NULL,
                attempts        INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
                next_attempt_at TEXT,
                last_error      TEXT,
                due_at          TEXT    NOT NULL,
                status          TEXT    NOT NULL CHECK (status IN ('pending', 'delivered', 'dead')),
                lease_owner     TEXT,
                lease_until     TEXT,
                dead_reason     TEXT,
                dead_at         TEXT,
                delivered_at    TEXT
            );
            CREATE INDEX outbox_due ON outbox (due_at, seq) WHERE status = 'pending';
            CREATE INDEX outbox_dead ON outbox (dead_at, seq) WHERE status = 'dead';
            """),
        (2, "routing decisions", """
            CREATE TABLE routing_decisions (
                tenant            TEXT    NOT NULL,
                lead              TEXT    NOT NULL,
                seq               INTEGER NOT NULL CHECK (seq >= 1),
                at                TEXT    NOT NULL,
                rule_set          TEXT    NOT NULL,
                rule_set_version  TEXT,
                outcome           TEXT    NOT NULL,
                partners          TEXT    NOT NULL,
                seed              INTEGER NOT NULL,
                unroutable_reason TEXT,
                explanation       TEXT    NOT NULL,
                PRIMARY KEY (tenant, lead, seq)
            ) WITHOUT ROWID;
            CREATE TRIGGER routing_decisions_no_update BEFORE UPDATE ON routing_decisions
            BEGIN SELECT RAISE(ABORT, 'routing_decisions is append-only'); END;
            CREATE TRIGGER routing_decisions_no_delete BEFORE DELETE ON routing_decisions
            BEGIN SELECT RAISE(ABORT, 'routing_decisions is append-only'); END;
            """),
        (DuplicateKeysVersion, "duplicate keys of leads", """
            ALTER TABLE leads ADD COLUMN dup_company TEXT;
            ALTER TABLE leads ADD COLUMN dup_email_domain TEXT;
            ALTER TABLE leads ADD COLUMN dup_phone TEXT;
            CREATE INDEX leads_dup_company ON leads (tenant, dup_company) WHERE dup_company IS NOT NULL;
            CREATE INDEX leads_dup_email_domain ON leads (tenant, dup_email_domain) WHERE dup_email_domain IS NOT NULL;
            CREATE INDEX leads_dup_phone ON leads (tenant, dup_phone) WHERE dup_phone IS NOT NULL;
            """),
        (4, "one opportunity per source lead", """
            ALTER TABLE opportunities ADD COLUMN source_lead TEXT;
            UPDATE opportunities SET source_lead = json_extract(document, '$.sourceLead');
            -- 0.1.0 could convert one lead twice. Of such twins only the opportunity the lead names
            -- (else the lowest id) keeps the column; the others stay as they are, unindexed.
            UPDATE opportunities SET source_lead = NULL
            WHERE source_lead IS NOT NULL AND EXISTS (
                SELECT 1 FROM opportunities AS k
                WHERE k.tenant = opportunities.tenant AND k.source_lead = opportunities.source_lead AND k.id <> opportunities.id
                  AND (EXISTS (SELECT 1 FROM leads AS l WHERE l.tenant = k.tenant AND l.id = k.source_lead AND json_extract(l.document, '$.convertedTo') = k.id)
                       OR (k.id < opportunities.id AND NOT EXISTS (
                           SELECT 1 FROM leads AS l WHERE l.tenant = opportunities.tenant AND l.id = opportunities.source_lead
                             AND json_extract(l.document, '$.convertedTo') = opportunities.id))));
            CREATE UNIQUE INDEX opportunities_source_lead ON opportunities (tenant, source_lead) WHERE source_lead IS NOT NULL;
            """),
        (CapacityAndQuarantineVersion, "partner load counters with hard capacity; quarantine of unreadable records", $$"""
            CREATE TABLE quarantine (
                tenant         TEXT NOT NULL,
                kind           TEXT NOT NULL CHECK (kind IN ('Lead', 'SalesOpportunity')),
                id             TEXT NOT NULL,
                reason         TEXT NOT NULL,
                quarantined_at TEXT NOT NULL,
                next_due_at    TEXT,
                PRIMARY KEY (tenant, kind, id)
            ) WITHOUT ROWID;

            ALTER TABLE leads ADD COLUMN assigned_at TEXT;
            CREATE TABLE partner_load (
                tenant           TEXT    NOT NULL,
                partner          TEXT    NOT NULL,
                open_leads       INTEGER NOT NULL CHECK (open_leads >= 0),
                last_assigned_at TEXT,
                PRIMARY KEY (tenant, partner)
            ) WITHOUT ROWID;

            -- The counters follow every write of a lead in the statement that writes it: a lead starts to
            -- count when it enters Assigned/Accepted with a partner, stops when it leaves or changes partner.
            -- A lead that would take its partner past the capacity in the partner's document aborts the
            -- statement (the store reports PartnerAtCapacityException); no partner row or no capacity: unlimited.
            CREATE TRIGGER leads_load_insert AFTER INSERT ON leads
            WHEN NEW.state IN {{OpenStates}} AND NEW.assigned_partner IS NOT NULL
            BEGIN
            {{Take("1")}}
            END;
            CREATE TRIGGER leads_load_update AFTER UPDATE OF state, assigned_partner ON leads
            WHEN (OLD.state IN {{OpenStates}} AND OLD.assigned_partner IS NOT NULL) OR (NEW.state IN {{OpenStates}} AND NEW.assigned_partner IS NOT NULL)
            BEGIN
                UPDATE partner_load SET open_leads = open_leads - 1
                WHERE tenant = OLD.tenant AND partner = OLD.assigned_partner AND OLD.state IN {{OpenStates}}
                  AND NOT (NEW.state IN {{OpenStates}} AND NEW.assigned_partner IS OLD.assigned_partner);
            {{Take($"NEW.state IN {OpenStates} AND NEW.assigned_partner IS NOT NULL AND NOT (OLD.state IN {OpenStates} AND OLD.assigned_partner IS NEW.assigned_partner)")}}
            END;
            CREATE TRIGGER leads_load_delete AFTER DELETE ON leads
            WHEN OLD.state IN {{OpenStates}} AND OLD.assigned_partner IS NOT NULL
            BEGIN
                UPDATE partner_load SET open_leads = open_leads - 1 WHERE tenant = OLD.tenant AND partner = OLD.assigned_partner;
            END;
            """),
        (StorageGrowthVersion, "compact routing decisions, outbox retention", """
            ALTER TABLE routing_decisions ADD COLUMN summary BLOB;
            CREATE INDEX outbox_delivered ON outbox (delivered_at, seq) WHERE status = 'delivered';
            CREATE TABLE outbox_purged (
                id_hash BLOB PRIMARY KEY NOT NULL CHECK (length(id_hash) = 16)
            ) WITHOUT ROWID;
            """),
        (OutboxWithoutAutoincrementVersion, "outbox seq without AUTOINCREMENT", """
            CREATE TABLE outbox_rebuilt (
                seq             INTEGER PRIMARY KEY,
                id              TEXT    NOT NULL UNIQUE,
                tenant          TEXT    NOT NULL,
                topic           TEXT    NOT NULL,
                type            TEXT    NOT NULL,
                payload         TEXT    NOT NULL,
                created_at      TEXT    NOT NULL,
                attempts        INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
                next_attempt_at TEXT,
                last_error      TEXT,
                due_at          TEXT    NOT NULL,
                status          TEXT    NOT NULL CHECK (status IN ('pending', 'delivered', 'dead')),
                lease_owner     TEXT,
                lease_until     TEXT,
                dead_reason     TEXT,
                dead_at         TEXT,
                delivered_at    TEXT
            );
            INSERT INTO outbox_rebuilt (seq, id, tenant, topic, type, payload, created_at, attempts, next_attempt_at, last_error, due_at, status, lease_owner, lease_until, dead_reason, dead_at, delivered_at)
            SELECT seq, id, tenant, topic, type, payload, created_at, attempts, next_attempt_at, last_error, due_at, status, lease_owner, lease_until, dead_reason, dead_at, delivered_at FROM outbox;
            DROP TABLE outbox;
            ALTER TABLE outbox_rebuilt RENAME TO outbox;
            CREATE INDEX outbox_due ON outbox (due_at, seq) WHERE status = 'pending';
            CREATE INDEX outbox_dead ON outbox (dead_at, seq) WHERE status = 'dead';
            CREATE INDEX outbox_delivered ON outbox (delivered_at, seq) WHERE status = 'delivered';
            DELETE FROM sqlite_sequence WHERE name = 'outbox';
            """),
        (PipelineColumnsVersion, "pipeline columns: stage kind, probability and category in force, closed_at", """
            ALTER TABLE opportunities ADD COLUMN stage_kind INTEGER CHECK (stage_kind BETWEEN 0 AND 2);
            ALTER TABLE opportunities ADD COLUMN probability_bp INTEGER CHECK (probability_bp BETWEEN 0 AND 10000);
            ALTER TABLE opportunities ADD COLUMN forecast_category INTEGER CHECK (forecast_category BETWEEN 0 AND 4);
            ALTER TABLE opportunities ADD COLUMN closed_at TEXT;
            """),
        (ChangeFeedVersion, "change feed of opportunities", """
            CREATE TABLE opportunity_feed (
                seq    INTEGER PRIMARY KEY,
                tenant TEXT NOT NULL,
                id     TEXT NOT NULL
            );
            CREATE INDEX opportunity_feed_tenant ON opportunity_feed (tenant, seq);
            CREATE TRIGGER opportunity_feed_insert AFTER INSERT ON opportunities
            BEGIN
                INSERT INTO opportunity_feed (tenant, id) VALUES (NEW.tenant, NEW.id);
            END;
            CREATE TRIGGER opportunity_feed_update AFTER UPDATE OF version ON opportunities WHEN NEW.version IS NOT OLD.version
            BEGIN
                INSERT INTO opportunity_feed (tenant, id) VALUES (NEW.tenant, NEW.id);
            END;
            """),
        (ForecastsVersion, "sales targets and forecast snapshots", """
            CREATE TABLE sales_targets (
                tenant       TEXT    NOT NULL,
                period_start TEXT    NOT NULL,
                period_end   TEXT    NOT NULL,
                period_kind  INTEGER NOT NULL CHECK (period_kind BETWEEN 0 AND 2),
                period_label TEXT    NOT NULL,
                partner      TEXT    NOT NULL,
                region       TEXT    NOT NULL,
                amount_minor INTEGER NOT NULL CHECK (amount_minor >= 0),
                currency     TEXT    NOT NULL CHECK (length(currency) = 3),
                PRIMARY KEY (tenant, period_start, period_end, period_kind, period_label, partner, region)
            ) WITHOUT ROWID;

            CREATE TABLE forecast_snapshots (
                tenant                   TEXT    NOT NULL,
                period_start             TEXT    NOT NULL,
                period_end               TEXT    NOT NULL,
                period_kind              INTEGER NOT NULL CHECK (period_kind BETWEEN 0 AND 2),
                period_label             TEXT    NOT NULL,
                partner                  TEXT    NOT NULL,
                region                   TEXT    NOT NULL,
                taken_on                 TEXT    NOT NULL,
                currency                 TEXT    NOT NULL CHECK (length(currency) = 3),
                expected_minor           INTEGER NOT NULL,
                p10_minor                INTEGER NOT NULL,
                p50_minor                INTEGER NOT NULL,
                p90_minor                INTEGER NOT NULL,
                commit_minor             INTEGER NOT NULL,
                best_case_minor          INTEGER NOT NULL,
                category_pipeline_minor  INTEGER,
                category_best_case_minor INTEGER,
                category_commit_minor    INTEGER,
                category_closed_minor    INTEGER,
                category_omitted_minor   INTEGER,
                PRIMARY KEY (tenant, period_start, period_end, period_kind, period_label, partner, region, taken_on)
            ) WITHOUT ROWID;
            """),
        (PipelineIndexVersion, "covering index of the pipeline columns", $"""
            CREATE INDEX opportunities_pipeline ON opportunities (tenant, stage_kind, partner, stage, currency, amount_minor, probability_bp, forecast_category, expected_close, closed_at, region, product_line)
                WHERE {PipelineIndexCondition};
            """),
        (ProductsVersion, "products of the line items in the opportunity row and the pipeline index", $"""
            ALTER TABLE opportunities ADD COLUMN products TEXT;
            DROP INDEX opportunities_pipeline;
            CREATE INDEX opportunities_pipeline ON opportunities (tenant, stage_kind, partner, stage, currency, amount_minor, probability_bp, forecast_category, expected_close, closed_at, region, product_line, products)
                WHERE {PipelineIndexCondition};
            """),
        (FeedRetentionVersion, "change feed retention: the last trimmed position per tenant", """
            CREATE TABLE opportunity_feed_trimmed (
                tenant TEXT    NOT NULL PRIMARY KEY,
                seq    INTEGER NOT NULL
            ) WITHOUT ROWID;
            """),
        (ForecastNodeVersion, "forecast tree nodes in the key of targets and snapshots", """
            CREATE TABLE sales_targets_node (
                tenant       TEXT    NOT NULL,
                period_start TEXT    NOT NULL,
                period_end   TEXT    NOT NULL,
                period_kind  INTEGER NOT NULL CHECK (period_kind BETWEEN 0 AND 2),
                period_label TEXT    NOT NULL,
                partner      TEXT    NOT NULL,
                region       TEXT    NOT NULL,
                amount_minor INTEGER NOT NULL CHECK (amount_minor >= 0),
                currency     TEXT    NOT NULL CHECK (length(currency) = 3),
                node         TEXT    NOT NULL DEFAULT '',
                PRIMARY KEY (tenant, period_start, period_end, period_kind, period_label, partner, region, node)
            ) WITHOUT ROWID;
            INSERT INTO sales_targets_node (tenant, period_start, period_end, period_kind, period_label, partner, region, amount_minor, currency) SELECT tenant, period_start, period_end, period_kind, period_label, partner, region, amount_minor, currency FROM sales_targets;
            DROP TABLE sales_targets;
            ALTER TABLE sales_targets_node RENAME TO sales_targets;

            CREATE TABLE forecast_snapshots_node (
                tenant                   TEXT    NOT NULL,
                period_start             TEXT    NOT NULL,
                period_end               TEXT    NOT NULL,
                period_kind              INTEGER NOT NULL CHECK (period_kind BETWEEN 0 AND 2),
                period_label             TEXT    NOT NULL,
                partner                  TEXT    NOT NULL,
                region                   TEXT    NOT NULL,
                taken_on                 TEXT    NOT NULL,
                currency                 TEXT    NOT NULL CHECK (length(currency) = 3),
                expected_minor           INTEGER NOT NULL,
                p10_minor                INTEGER NOT NULL,
                p50_minor                INTEGER NOT NULL,
                p90_minor                INTEGER NOT NULL,
                commit_minor             INTEGER NOT NULL,
                best_case_minor          INTEGER NOT NULL,
                category_pipeline_minor  INTEGER,
                category_best_case_minor INTEGER,
                category_commit_minor    INTEGER,
                category_closed_minor    INTEGER,
                category_omitted_minor   INTEGER,
                node                     TEXT    NOT NULL DEFAULT '',
                PRIMARY KEY (tenant, period_start, period_end, period_kind, period_label, partner, region, node, taken_on)
            ) WITHOUT ROWID;
            INSERT INTO forecast_snapshots_node (tenant, period_start, period_end, period_kind, period_label, partner, region, taken_on, currency, expected_minor, p10_minor, p50_minor, p90_minor, commit_minor, best_case_minor, category_pipeline_minor, category_best_case_minor, category_commit_minor, category_closed_minor, category_omitted_minor) SELECT tenant, period_start, period_end, period_kind, period_label, partner, region, taken_on, currency, expected_minor, p10_minor, p50_minor, p90_minor, commit_minor, best_case_minor, category_pipeline_minor, category_best_case_minor, category_commit_minor, category_closed_minor, category_omitted_minor FROM forecast_snapshots;
            DROP TABLE forecast_snapshots;
            ALTER TABLE forecast_snapshots_node RENAME TO forecast_snapshots;
            """),
        (FieldHistoryVersion, "field history of leads and opportunities", """
            CREATE TABLE field_history (
                tenant   TEXT    NOT NULL,
                kind     TEXT    NOT NULL,
                id       TEXT    NOT NULL,
                seq      INTEGER NOT NULL CHECK (seq >= 1),
                field    INTEGER NOT NULL CHECK (field >= 0),
                at       TEXT    NOT NULL,
                actor    TEXT    NOT NULL,
                previous TEXT,
                current  TEXT,
                PRIMARY KEY (tenant, kind, id, seq, field)
            ) WITHOUT ROWID;
            """),
        (CustomerKeysVersion, "customer keys of opportunities", """
            ALTER TABLE opportunities ADD COLUMN dup_company TEXT;
            ALTER TABLE opportunities ADD COLUMN dup_email_domain TEXT;
            ALTER TABLE opportunities ADD COLUMN dup_phone TEXT;
            CREATE INDEX opportunities_dup_company ON opportunities (tenant, dup_company) WHERE dup_company IS NOT NULL;
            CREATE INDEX opportunities_dup_email_domain ON opportunities (tenant, dup_email_domain) WHERE dup_email_domain IS NOT NULL;
            CREATE INDEX opportunities_dup_phone ON opportunities (tenant, dup_phone) WHERE dup_phone IS NOT NULL;
            """),
        (41, "erasure may rewrite the text of routing decisions", """
            -- Append-only still: no row is deleted and no key, instant, rule set, outcome, partner or seed
            -- changes; the erasure of personal data (IPersonalDataEraser) rewrites the explanation and the
            -- unroutable reason. (The summary column is left out: naming it would pin the column.)
            DROP TRIGGER routing_decisions_no_update;
            CREATE TRIGGER routing_decisions_no_update BEFORE UPDATE ON routing_decisions
            WHEN NEW.tenant IS NOT OLD.tenant OR NEW.lead IS NOT OLD.lead OR NEW.seq IS NOT OLD.seq OR NEW.at IS NOT OLD.at
              OR NEW.rule_set IS NOT OLD.rule_set OR NEW.rule_set_version IS NOT OLD.rule_set_version OR NEW.outcome IS NOT OLD.outcome
              OR NEW.partners IS NOT OLD.partners OR NEW.seed IS NOT OLD.seed
            BEGIN SELECT RAISE(ABORT, 'routing_decisions is append-only'); END;
            """),
        (ForecastAdjustmentsVersion, "forecast adjustments, append-only history", """
            CREATE TABLE forecast_adjustments (
                seq          INTEGER PRIMARY KEY,
                tenant       TEXT    NOT NULL,
                period_kind  INTEGER NOT NULL,
                period_start TEXT    NOT NULL,
                period_end   TEXT    NOT NULL,
                period_label TEXT    NOT NULL,
                node         TEXT    NOT NULL,
                category     INTEGER NOT NULL CHECK (category BETWEEN 0 AND 4),
                amount_minor INTEGER CHECK (amount_minor >= 0),
                currency     TEXT    CHECK (length(currency) = 3),
                adjusted_by  TEXT    NOT NULL,
                at           TEXT    NOT NULL,
                reason       TEXT    NOT NULL,
                CHECK ((amount_minor IS NULL) = (currency IS NULL))
            );
            CREATE INDEX forecast_adjustments_period ON forecast_adjustments (tenant, period_start, period_end, period_kind, period_label, at, seq);
            """),
        (ForecastSnapshotRunsVersion, "scheduled forecast snapshot runs", """
            CREATE TABLE forecast_snapshot_runs (
                tenant       TEXT    NOT NULL,
                taken_on     TEXT    NOT NULL,
                owner        TEXT    NOT NULL,
                lease_until  TEXT    NOT NULL,
                claims       INTEGER NOT NULL CHECK (claims >= 1),
                completed_at TEXT,
                PRIMARY KEY (tenant, taken_on)
            ) WITHOUT ROWID;
            """),
    ];

    /// <summary>
    /// Migration 39: the customer keys of opportunities (<c>SalesOpportunity.CustomerKeys</c>) in
    /// <c>dup_company</c>, <c>dup_email_domain</c> and <c>dup_phone</c> — the names and partial
    /// (tenant, key) indexes of the leads' duplicate keys (migration 3) — so capture matches leads
    /// against deals. Personal data: the e-mail domain and phone key identify a customer; erasure
    /// clears them with the document's <c>customerKeys</c>. Deals stored before have no keys (a deal
    /// converted from a lead is still matched through the lead).
    /// </summary>
    public const int CustomerKeysVersion = 39;

    /// <summary>
    /// Migration 31, forecast adjustments (<c>IForecastAdjustmentStore</c>): one row per adjustment,
    /// never updated or deleted, keyed by <c>seq</c> (the rowid: the order added, which breaks ties of
    /// <c>at</c>); a clearing adjustment has neither amount nor currency. Listed per tenant and period
    /// through the index by time.
    /// </summary>
    public const int ForecastAdjustmentsVersion = 31;

    /// <summary>
    /// Migration 32, scheduled forecast snapshot runs (<c>IForecastSnapshotRunStore</c>): one row per
    /// tenant and date taken, the host holding its lease and until when, how often it was claimed, and
    /// when its snapshots were saved (in the transaction that sets <c>completed_at</c>).
    /// </summary>
    public const int ForecastSnapshotRunsVersion = 32;

    /// <summary>
    /// Migration 30: targets and snapshots of a forecast tree's node (<c>ForecastScope.Node</c>): a
    /// third scope key column, <c>node</c>, the empty string for "not a node", in the primary key.
    /// SQLite cannot change a primary key in place, so both tables are rebuilt; existing rows keep
    /// their keys with <c>node = ''</c>.
    /// </summary>
    public const int ForecastNodeVersion = 30;

    /// <summary>
    /// Migration 36, the field history (<see cref="IFieldHistory"/>): one row per change of an audited
    /// field, keyed by record and (event sequence, field), the order of a record's history; written
    /// with the record's state in its save transaction, never updated.
    /// </summary>
    public const int FieldHistoryVersion = 36;

    /// <summary>
    /// Migration 27, change feed retention (<see cref="IChangeFeed.TrimAsync"/>): per tenant, the
    /// <c>seq</c> of the last entry a trim removed. A read after a lower position may have missed
    /// entries and answers "resync".
    /// </summary>
    public const int FeedRetentionVersion = 27;

    /// <summary>
    /// Migration 18: the weighted pipeline (snapshot load and push-down) reads this index only, never
    /// the table, whose rows carry the JSON document inline (about 10 times the bytes of the pipeline
    /// columns). Keyed so that one tenant's open deals are one range, ordered by partner, stage and
    /// currency; the table's key (tenant, id) is part of every entry, so the quarantine check is
    /// covered too. Closed-lost deals, which accumulate and the pipeline never reads, stay out.
    /// </summary>
    public const int PipelineIndexVersion = 18;

    /// <summary>
    /// Migration 43: <c>products</c>, the opportunity's amount per product of its line items
    /// (<c>StoredValues.ProductsColumn</c>, null without lines), in the row — so every write of the
    /// row keeps it in step — and at the end of the pipeline index, so the snapshot load and the
    /// grouping by product still read the index alone. Filled from the documents in the migration.
    /// </summary>
    public const int ProductsVersion = 43;

    /// <summary>
    /// The rows of <see cref="PipelineIndexVersion"/>'s partial index. SQLite uses a partial index only
    /// when the query's <c>WHERE</c> contains this term as written, so the pipeline's queries repeat it.
    /// </summary>
    public const string PipelineIndexCondition = "stage_kind IN (0, 1)";

    /// <summary>
    /// Migration 15, the change feed (<see cref="IChangeFeed"/>): a row per added or saved opportunity
    /// (tenant, id), written by triggers of <c>opportunities</c> in the writing transaction — every
    /// write path (add, save, conversion, import, a caller's transaction) without code of its own; claims
    /// and leases do not change the version and write nothing. SQLite has one writer at a time, which
    /// holds the write lock from its first write to its commit, so <c>seq</c> (the rowid, the highest
    /// plus one) grows in commit order and a reader never sees a later <c>seq</c> before an earlier one
    /// commits. Without <c>AUTOINCREMENT</c> a rolled-back or deleted newest row's number may be given
    /// again; nobody read the rolled-back one, and a trim must keep each database's newest row.
    /// </summary>
    public const int ChangeFeedVersion = 15;

    /// <summary>
    /// Migration 11: the columns the weighted pipeline reads and pushes down without the documents —
    /// the stage's kind (0 open, 1 won, 2 lost), the probability in basis points and the forecast
    /// category in force (override or stage default) and when the deal closed (instant text). After
    /// its SQL the store fills them from the stored documents (the stage defaults come from the
    /// store's pipeline catalog); a row whose document cannot be read keeps them null and is left
    /// out of the pipeline until it is saved again.
    /// </summary>
    public const int PipelineColumnsVersion = 11;

    /// <summary>The lead states that count toward a partner's capacity (<c>StoredValues.CountsTowardCapacity</c>).</summary>
    private const string OpenStates = "('Assigned', 'Accepted')";

    /// <summary>The message of the trigger's abort when a partner is full.</summary>
    public const string AtCapacityMessage = "opportunity: partner at capacity";

    // When <paramref name="when"/> holds: counts NEW's lead for its partner, or aborts when the partner is full.
    private static string Take(string when) => $$"""
                INSERT INTO partner_load (tenant, partner, open_leads) SELECT NEW.tenant, NEW.assigned_partner, 0 WHERE {{when}} ON CONFLICT DO NOTHING;
                SELECT RAISE(ABORT, '{{AtCapacityMessage}}') WHERE {{when}}
                  AND (SELECT open_leads FROM partner_load WHERE tenant = NEW.tenant AND partner = NEW.assigned_partner)
                      >= (SELECT CASE WHEN json_valid(document) THEN json_extract(document, '$.capacity') END FROM partners WHERE tenant = NEW.tenant AND id = NEW.assigned_partner);
                UPDATE partner_load SET open_leads = open_leads + 1,
                    last_assigned_at = CASE WHEN last_assigned_at IS NULL OR NEW.assigned_at > last_assigned_at THEN NEW.assigned_at ELSE last_assigned_at END
                WHERE {{when}} AND tenant = NEW.tenant AND partner = NEW.assigned_partner;
        """;

    /// <summary>
    /// The migration adding the partner load counters (filled after its SQL from the leads already stored:
    /// <c>assigned_at</c> from each readable document, the counts from the state columns) and the quarantine table.
    /// </summary>
    public const int CapacityAndQuarantineVersion = 5;

    /// <summary>
    /// The migration adding the duplicate-key columns of leads; after its SQL the store fills them
    /// for the leads already stored (the keys are computed in .NET, <c>DuplicateKeys.Normalised</c>).
    /// </summary>
    public const int DuplicateKeysVersion = 3;

    /// <summary>
    /// The migration for storage growth: <c>routing_decisions.summary</c> (the compact decision,
    /// <c>RoutingDecisionSummary.ToBytes</c>; old rows keep their full text in <c>explanation</c> and
    /// no summary), an index of delivered outbox rows by delivery time for the purge, and
    /// <c>outbox_purged</c>, the 16-byte hashes of tenant and id of purged messages that keep
    /// de-duplicating them (the tenant is inside the hash: no column needed without row-level security).
    /// </summary>
    public const int StorageGrowthVersion = 7;

    /// <summary>
    /// The migration that rebuilds the outbox with <c>seq INTEGER PRIMARY KEY</c> instead of
    /// <c>AUTOINCREMENT</c>: every insert read and rewrote the <c>sqlite_sequence</c> row, a
    /// B-tree write per message (1.33 million of them in a 10^6-row import). <c>seq</c> only orders
    /// rows that exist together (claims, dead letters, the purge, all by time first), and a new
    /// row still gets a <c>seq</c> above every existing one; it may reuse the number of a purged
    /// newest row, which nothing refers to (purged ids are remembered by hash, not by <c>seq</c>).
    /// </summary>
    public const int OutboxWithoutAutoincrementVersion = 9;

    /// <summary>
    /// Migration 17: <c>sales_targets</c> and <c>forecast_snapshots</c>, keyed by tenant, the whole
    /// period (dates, kind, label: a <c>ForecastPeriod</c>'s identity) and the scope as two key
    /// columns, partner and region, the empty string meaning "all"; amounts in integer minor units
    /// beside one currency; a snapshot's amount per forecast category in five nullable columns (null:
    /// the snapshot has no amount for it).
    /// </summary>
    public const int ForecastsVersion = 17;

    public static int Latest => All.Max(m => m.Version);
}
