using Opportunity.Persistence.AdapterSupport;
namespace Opportunity.Persistence.PostgreSql.Schema;

/// <summary>
/// The schema as numbered migrations, applied in order under an advisory lock and recorded in
/// <c>schema_migrations</c>; <c>{s}</c> stands for the configured schema. Aggregates are JSON
/// documents beside the columns that are indexed, filtered or aggregated. Keys use the "C"
/// collation (code-point order, as every adapter orders ids). Row-level security is enabled and
/// forced on every table: a row is visible only when the transaction-local setting
/// <c>opportunity.tenant</c> names its tenant (and, for partner reads,
/// <c>opportunity.partner</c> its partner). Since migration 6 work across tenants (claims, outbox
/// dispatch) is admitted only to the role that ran the migrations (the owner) with
/// <c>opportunity.system</c> on, and the store's app role reaches it only through the owner's
/// <c>SECURITY DEFINER</c> functions (<see cref="SystemFunctions"/>); a setting the app role can
/// change no longer lifts isolation. Never edit a shipped migration: add the next one.
/// </summary>
internal static class PostgreSqlMigrations
{
    /// <summary>
    /// The cross-tenant clause of migrations 1 and 2, which any role could satisfy by setting the
    /// variable; migration 6 drops every policy that used it. New policies never use it: a new table
    /// gets a tenant policy for everyone and <see cref="SystemPolicy"/> for the owner.
    /// </summary>
    private const string LegacySystem = "current_setting('opportunity.system', true) = 'on'";

    /// <summary>
    /// Cross-tenant work: true only while the owner's own code (a migration, a <see cref="SystemFunctions"/>
    /// function) switched it on. Only ever in a policy <c>TO CURRENT_USER</c> (<see cref="SystemPolicy"/>):
    /// the app role can set the variable too.
    /// </summary>
    private const string OwnerSystem = "current_setting('opportunity.system', true) = 'on'";

    // Only while erase_personal_text runs (it sets the flag for its own duration): the owner's system mode
    // alone still changes no routing decision.
    private const string OwnerErasing = OwnerSystem + " AND current_setting('opportunity.erasing', true) = 'on'";
    private const string Tenant = "tenant = current_setting('opportunity.tenant', true)";
    private const string NoPartner = "coalesce(current_setting('opportunity.partner', true), '') = ''";
    private const string Partner = "current_setting('opportunity.partner', true)";

    public static IReadOnlyList<(int Version, string Name, string Sql)> All { get; } =
    [
        (1, "initial schema with row-level security", $$"""
            CREATE TABLE {s}.leads (
                tenant           text COLLATE "C" NOT NULL,
                id               text COLLATE "C" NOT NULL,
                state            text        NOT NULL,
                assigned_partner text COLLATE "C",
                next_due_at      timestamptz,
                version          bigint      NOT NULL CHECK (version >= 1),
                document         jsonb       NOT NULL,
                lease_owner      text,
                lease_until      timestamptz,
                PRIMARY KEY (tenant, id)
            );
            CREATE INDEX leads_due ON {s}.leads (next_due_at, tenant, id) WHERE next_due_at IS NOT NULL;
            CREATE INDEX leads_partner ON {s}.leads (tenant, assigned_partner, state);

            CREATE TABLE {s}.opportunities (
                tenant                  text COLLATE "C" NOT NULL,
                id                      text COLLATE "C" NOT NULL,
                partner                 text COLLATE "C" NOT NULL,
                pipeline_id             text        NOT NULL,
                stage                   text        NOT NULL,
                amount_minor            bigint      NOT NULL CHECK (amount_minor >= 0),
                currency                text        NOT NULL CHECK (length(currency) = 3),
                expected_close          date        NOT NULL,
                probability_override_bp integer CHECK (probability_override_bp BETWEEN 0 AND 10000),
                region                  text,
                product_line            text,
                is_open                 boolean     NOT NULL,
                next_due_at             timestamptz,
                version                 bigint      NOT NULL CHECK (version >= 1),
                document                jsonb       NOT NULL,
                lease_owner             text,
                lease_until             timestamptz,
                PRIMARY KEY (tenant, id)
            );
            CREATE INDEX opportunities_due ON {s}.opportunities (next_due_at, tenant, id) WHERE next_due_at IS NOT NULL;
            CREATE INDEX opportunities_partner ON {s}.opportunities (tenant, partner, is_open);

            CREATE TABLE {s}.partners (
                tenant    text COLLATE "C" NOT NULL,
                id        text COLLATE "C" NOT NULL,
                name      text    NOT NULL,
                is_active boolean NOT NULL,
                document  jsonb   NOT NULL,
                PRIMARY KEY (tenant, id)
            );

            CREATE TABLE {s}.outbox (
                seq             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                id              text COLLATE "C" NOT NULL UNIQUE,
                tenant          text COLLATE "C" NOT NULL,
                topic           text        NOT NULL,
                type            text        NOT NULL,
                payload         text        NOT NULL,
                created_at      timestamptz NOT NULL,
                attempts        integer     NOT NULL DEFAULT 0 CHECK (attempts >= 0),
                next_attempt_at timestamptz,
                last_error      text,
                due_at          timestamptz NOT NULL,
                status          text        NOT NULL CHECK (status IN ('pending', 'delivered', 'dead')),
                lease_owner     text,
                lease_until     timestamptz,
                dead_reason     text,
                dead_at         timestamptz,
                delivered_at    timestamptz
            );
            CREATE INDEX outbox_due ON {s}.outbox (due_at, seq) WHERE status = 'pending';
            CREATE INDEX outbox_dead ON {s}.outbox (dead_at, seq) WHERE status = 'dead';

            ALTER TABLE {s}.leads ENABLE ROW LEVEL SECURITY;
            ALTER TABLE {s}.leads FORCE ROW LEVEL SECURITY;
            CREATE POLICY leads_scope ON {s}.leads
                USING ({{LegacySystem}} OR ({{Tenant}} AND ({{NoPartner}}
                    OR (assigned_partner = {{Partner}} AND state IN ('Assigned', 'Accepted', 'Converted')))))
                WITH CHECK ({{LegacySystem}} OR ({{Tenant}} AND {{NoPartner}}));

            ALTER TABLE {s}.opportunities ENABLE ROW LEVEL SECURITY;
            ALTER TABLE {s}.opportunities FORCE ROW LEVEL SECURITY;
            CREATE POLICY opportunities_scope ON {s}.opportunities
                USING ({{LegacySystem}} OR ({{Tenant}} AND ({{NoPartner}} OR partner = {{Partner}})))
                WITH CHECK ({{LegacySystem}} OR ({{Tenant}} AND {{NoPartner}}));

            ALTER TABLE {s}.partners ENABLE ROW LEVEL SECURITY;
            ALTER TABLE {s}.partners FORCE ROW LEVEL SECURITY;
            CREATE POLICY partners_scope ON {s}.partners
                USING ({{LegacySystem}} OR {{Tenant}})
                WITH CHECK ({{LegacySystem}} OR ({{Tenant}} AND {{NoPartner}}));

            ALTER TABLE {s}.outbox ENABLE ROW LEVEL SECURITY;
            ALTER TABLE {s}.outbox FORCE ROW LEVEL SECURITY;
            CREATE POLICY outbox_scope ON {s}.outbox
                USING ({{LegacySystem}} OR ({{Tenant}} AND {{NoPartner}}))
                WITH CHECK ({{LegacySystem}} OR ({{Tenant}} AND {{NoPartner}}));
            """),
        (2, "routing decisions, append-only, manufacturer scope only", $$"""
            CREATE TABLE {s}.routing_decisions (
                tenant            text COLLATE "C" NOT NULL,
                lead              text COLLATE "C" NOT NULL,
                seq               integer     NOT NULL CHECK (seq >= 1),
                at                timestamptz NOT NULL,
                at_nanos          integer     NOT NULL CHECK (at_nanos BETWEEN 0 AND 999),
                rule_set          text        NOT NULL,
                rule_set_version  text,
                outcome           text        NOT NULL,
                partners          text[]      NOT NULL,
                seed              bigint      NOT NULL,
                unroutable_reason text,
                explanation       text        NOT NULL,
                PRIMARY KEY (tenant, lead, seq)
            );

            ALTER TABLE {s}.routing_decisions ENABLE ROW LEVEL SECURITY;
            ALTER TABLE {s}.routing_decisions FORCE ROW LEVEL SECURITY;
            CREATE POLICY routing_decisions_read ON {s}.routing_decisions FOR SELECT
                USING ({{LegacySystem}} OR ({{Tenant}} AND {{NoPartner}}));
            CREATE POLICY routing_decisions_append ON {s}.routing_decisions FOR INSERT
                WITH CHECK ({{LegacySystem}} OR ({{Tenant}} AND {{NoPartner}}));
            """),
        (DuplicateKeysVersion, "duplicate keys of leads", """
            ALTER TABLE {s}.leads
                ADD COLUMN dup_company      text COLLATE "C",
                ADD COLUMN dup_email_domain text COLLATE "C",
                ADD COLUMN dup_phone        text COLLATE "C";
            CREATE INDEX leads_dup_company ON {s}.leads (tenant, dup_company) WHERE dup_company IS NOT NULL;
            CREATE INDEX leads_dup_email_domain ON {s}.leads (tenant, dup_email_domain) WHERE dup_email_domain IS NOT NULL;
            CREATE INDEX leads_dup_phone ON {s}.leads (tenant, dup_phone) WHERE dup_phone IS NOT NULL;
            """),
        (4, "one opportunity per source lead", """
            ALTER TABLE {s}.opportunities ADD COLUMN source_lead text COLLATE "C";
            -- The backfill runs as the owner across tenants: row-level security is lifted for this
            -- transaction only (the ALTERs are transactional) and forced again below.
            ALTER TABLE {s}.opportunities NO FORCE ROW LEVEL SECURITY;
            ALTER TABLE {s}.leads NO FORCE ROW LEVEL SECURITY;
            UPDATE {s}.opportunities SET source_lead = document->>'sourceLead' WHERE document->>'sourceLead' IS NOT NULL;
            -- 0.1.0 could convert one lead twice. Of such twins only the opportunity the lead names
            -- (else the lowest id) keeps the column; the others stay as they are, unindexed.
            UPDATE {s}.opportunities o SET source_lead = NULL
            WHERE o.source_lead IS NOT NULL AND EXISTS (
                SELECT 1 FROM {s}.opportunities k
                WHERE k.tenant = o.tenant AND k.source_lead = o.source_lead AND k.id <> o.id
                  AND (EXISTS (SELECT 1 FROM {s}.leads l WHERE l.tenant = k.tenant AND l.id = k.source_lead AND l.document->>'convertedTo' = k.id)
                       OR (k.id < o.id AND NOT EXISTS (
                           SELECT 1 FROM {s}.leads l WHERE l.tenant = o.tenant AND l.id = o.source_lead AND l.document->>'convertedTo' = o.id))));
            ALTER TABLE {s}.opportunities FORCE ROW LEVEL SECURITY;
            ALTER TABLE {s}.leads FORCE ROW LEVEL SECURITY;
            CREATE UNIQUE INDEX opportunities_source_lead ON {s}.opportunities (tenant, source_lead) WHERE source_lead IS NOT NULL;
            """),
        (CapacityAndQuarantineVersion, "partner load counters with hard capacity; quarantine of unreadable records", $$"""
            CREATE TABLE {s}.quarantine (
                tenant         text COLLATE "C" NOT NULL,
                kind           text        NOT NULL CHECK (kind IN ('Lead', 'SalesOpportunity')),
                id             text COLLATE "C" NOT NULL,
                reason         text        NOT NULL,
                quarantined_at timestamptz NOT NULL,
                next_due_at    timestamptz,
                PRIMARY KEY (tenant, kind, id)
            );
            ALTER TABLE {s}.quarantine ENABLE ROW LEVEL SECURITY;
            ALTER TABLE {s}.quarantine FORCE ROW LEVEL SECURITY;
            CREATE POLICY quarantine_scope ON {s}.quarantine
                USING ({{Tenant}})
                WITH CHECK ({{Tenant}} AND {{NoPartner}});
            {{SystemPolicy("quarantine")}}

            ALTER TABLE {s}.leads ADD COLUMN assigned_at timestamptz;
            CREATE TABLE {s}.partner_load (
                tenant           text COLLATE "C" NOT NULL,
                partner          text COLLATE "C" NOT NULL,
                open_leads       integer     NOT NULL CHECK (open_leads >= 0),
                last_assigned_at timestamptz,
                PRIMARY KEY (tenant, partner)
            );
            ALTER TABLE {s}.partner_load ENABLE ROW LEVEL SECURITY;
            ALTER TABLE {s}.partner_load FORCE ROW LEVEL SECURITY;
            CREATE POLICY partner_load_scope ON {s}.partner_load
                USING ({{Tenant}})
                WITH CHECK ({{Tenant}} AND {{NoPartner}});
            {{SystemPolicy("partner_load")}}

            -- Fill from the leads already stored (every tenant: FORCE RLS applies to the owner too).
            SELECT set_config('opportunity.system', 'on', true);
            UPDATE {s}.leads SET assigned_at = (document->>'assignedAt')::timestamptz
            WHERE assigned_partner IS NOT NULL AND document->>'assignedAt' ~ '^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$';
            INSERT INTO {s}.partner_load (tenant, partner, open_leads, last_assigned_at)
            SELECT tenant, assigned_partner, count(*) FILTER (WHERE state IN {{OpenStates}}), max(assigned_at) FROM {s}.leads
            WHERE assigned_partner IS NOT NULL GROUP BY tenant, assigned_partner;
            SELECT set_config('opportunity.system', 'off', true);

            -- The counters follow every write of a lead in the statement that writes it: a lead counts
            -- while it is Assigned/Accepted with a partner. Taking a partner past the capacity in its
            -- document raises OP001 (the store reports PartnerAtCapacityException); no partner row or
            -- no capacity: unlimited. The two counters a move touches are locked in partner order, so
            -- leads moving in opposite directions cannot deadlock.
            CREATE FUNCTION {s}.leads_partner_load() RETURNS trigger LANGUAGE plpgsql AS $fn$
            DECLARE
                released text;
                taken    text;
                lead_tenant text;
                cap      integer;
                counted  integer;
            BEGIN
                IF TG_OP <> 'INSERT' AND OLD.state IN {{OpenStates}} THEN released := OLD.assigned_partner; END IF;
                IF TG_OP <> 'DELETE' AND NEW.state IN {{OpenStates}} THEN taken := NEW.assigned_partner; END IF;
                IF released IS NOT DISTINCT FROM taken THEN RETURN NULL; END IF;
                lead_tenant := CASE WHEN TG_OP = 'DELETE' THEN OLD.tenant ELSE NEW.tenant END;
                IF taken IS NOT NULL THEN
                    INSERT INTO {s}.partner_load (tenant, partner, open_leads) VALUES (lead_tenant, taken, 0) ON CONFLICT DO NOTHING;
                END IF;
                PERFORM 1 FROM {s}.partner_load WHERE tenant = lead_tenant AND partner IN (released, taken) ORDER BY partner FOR UPDATE;
                IF released IS NOT NULL THEN
                    UPDATE {s}.partner_load SET open_leads = open_leads - 1 WHERE tenant = lead_tenant AND partner = released;
                END IF;
                IF taken IS NOT NULL THEN
                    SELECT (document->>'capacity')::integer INTO cap FROM {s}.partners WHERE tenant = lead_tenant AND id = taken;
                    UPDATE {s}.partner_load SET open_leads = open_leads + 1, last_assigned_at = GREATEST(last_assigned_at, NEW.assigned_at)
                    WHERE tenant = lead_tenant AND partner = taken AND (cap IS NULL OR open_leads < cap)
                    RETURNING open_leads INTO counted;
                    IF counted IS NULL THEN
                        SELECT open_leads INTO counted FROM {s}.partner_load WHERE tenant = lead_tenant AND partner = taken;
                        RAISE EXCEPTION USING ERRCODE = '{{AtCapacitySqlState}}', MESSAGE = format('{{AtCapacityMessage}}|%s|%s|%s', counted, cap, taken);
                    END IF;
                END IF;
                RETURN NULL;
            END
            $fn$;
            CREATE TRIGGER leads_partner_load AFTER INSERT OR UPDATE OF state, assigned_partner OR DELETE ON {s}.leads
                FOR EACH ROW EXECUTE FUNCTION {s}.leads_partner_load();

            {{ClaimDueBatchFunction("leads")}}
            {{ClaimDueBatchFunction("opportunities")}}
            {{QuarantineClaimedFunction("leads", "Lead")}}
            {{QuarantineClaimedFunction("opportunities", "SalesOpportunity")}}
            {{SystemFunction(
                "quarantine_all()",
                "TABLE (tenant text, kind text, id text, reason text, quarantined_at timestamptz)",
                "RETURN QUERY SELECT q.tenant::text, q.kind, q.id::text, q.reason, q.quarantined_at FROM {s}.quarantine q ORDER BY q.quarantined_at, q.tenant, q.kind, q.id;")}}
            """),
        (SystemWorkVersion, "cross-tenant work only through the owner's functions; routing decisions refuse TRUNCATE", SystemWorkMigration),
        (StorageGrowthVersion, "compact routing decisions, outbox retention with purge_delivered", StorageGrowthMigration),
        (PackedPurgedIdsVersion, "purged outbox ids packed per tenant and hash bucket", PackedPurgedIdsMigration),
        (LeanLeadsAndClaimsVersion, "lead documents as compact json; outbox claims rewrite only the messages they take", LeanLeadsAndClaimsMigration),
        (PipelineColumnsVersion, "pipeline columns: stage kind, probability and category in force, closed_at", """
            ALTER TABLE {s}.opportunities
                ADD COLUMN stage_kind        smallint CHECK (stage_kind BETWEEN 0 AND 2),
                ADD COLUMN probability_bp    smallint CHECK (probability_bp BETWEEN 0 AND 10000),
                ADD COLUMN forecast_category smallint CHECK (forecast_category BETWEEN 0 AND 4),
                ADD COLUMN closed_at         timestamptz;
            """),
        (HashedDuplicateKeysVersion, "duplicate keys of leads as 64-bit hashes of tenant and key; partner documents as json", HashedDuplicateKeysMigration),
        (LeanLeadRowsVersion, "lead documents without their column values; claims of leads return those columns", LeanLeadRowsMigration),
        (ChangeFeedVersion, "change feed of opportunities: positions in commit order, NOTIFY on commit", ChangeFeedMigration),
        (ForecastsVersion, "sales targets and forecast snapshots", ForecastsMigration),
        (PipelineIndexVersion, "covering index of the pipeline columns; autovacuum keeps opportunities' visibility map fresh", """
            CREATE INDEX opportunities_pipeline ON {s}.opportunities (tenant, stage_kind, partner, stage, currency)
                INCLUDE (amount_minor, probability_bp, forecast_category, expected_close, closed_at, region, product_line, id)
                WHERE stage_kind IN (0, 1);
            ALTER TABLE {s}.opportunities SET (autovacuum_vacuum_scale_factor = 0.02, autovacuum_vacuum_insert_scale_factor = 0.02);
            """),
        (ProductsVersion, "products of the line items in the opportunity row and the pipeline index", """
            ALTER TABLE {s}.opportunities ADD COLUMN products text;
            DROP INDEX {s}.opportunities_pipeline;
            CREATE INDEX opportunities_pipeline ON {s}.opportunities (tenant, stage_kind, partner, stage, currency)
                INCLUDE (amount_minor, probability_bp, forecast_category, expected_close, closed_at, region, product_line, products, id)
                WHERE stage_kind IN (0, 1);
            """),
        (SettingsOncePerStatementVersion, "opportunities' row-level security reads the settings once per statement", $$"""
            ALTER POLICY opportunities_scope ON {s}.opportunities
                USING ({{TenantOnce}} AND ({{NoPartnerOnce}} OR partner = {{PartnerOnce}}))
                WITH CHECK ({{TenantOnce}} AND {{NoPartnerOnce}});
            ALTER POLICY opportunities_system ON {s}.opportunities
                USING ({{OwnerSystemOnce}})
                WITH CHECK ({{OwnerSystemOnce}});
            """),
        (FeedRetentionVersion, "change feed retention: trim_feed and the last trimmed commit per tenant", FeedRetentionMigration),
        (ForecastNodeVersion, "forecast tree nodes in the key of targets and snapshots", """
            ALTER TABLE {s}.sales_targets ADD COLUMN node text COLLATE "C" NOT NULL DEFAULT '';
            ALTER TABLE {s}.sales_targets DROP CONSTRAINT sales_targets_pkey,
                ADD PRIMARY KEY (tenant, period_start, period_end, period_kind, period_label, partner, region, node);
            ALTER TABLE {s}.forecast_snapshots ADD COLUMN node text COLLATE "C" NOT NULL DEFAULT '';
            ALTER TABLE {s}.forecast_snapshots DROP CONSTRAINT forecast_snapshots_pkey,
                ADD PRIMARY KEY (tenant, period_start, period_end, period_kind, period_label, partner, region, node, taken_on);
            """),
        (FieldHistoryVersion, "field history of leads and opportunities, append-only, manufacturer scope only", $$"""
            CREATE TABLE {s}.field_history (
                tenant   text COLLATE "C" NOT NULL,
                kind     text COLLATE "C" NOT NULL,
                id       text COLLATE "C" NOT NULL,
                seq      bigint      NOT NULL CHECK (seq >= 1),
                field    smallint    NOT NULL CHECK (field >= 0),
                at       timestamptz NOT NULL,
                at_nanos smallint    NOT NULL CHECK (at_nanos BETWEEN 0 AND 999),
                actor    text        NOT NULL,
                previous text,
                current  text,
                PRIMARY KEY (tenant, kind, id, seq, field)
            );
            ALTER TABLE {s}.field_history ENABLE ROW LEVEL SECURITY;
            ALTER TABLE {s}.field_history FORCE ROW LEVEL SECURITY;
            CREATE POLICY field_history_read ON {s}.field_history FOR SELECT USING ({{Tenant}} AND {{NoPartner}});
            CREATE POLICY field_history_append ON {s}.field_history FOR INSERT WITH CHECK ({{Tenant}} AND {{NoPartner}});
            {{SystemPolicy("field_history")}}
            -- Its own function, not migration 6's refuse_truncate: a lead write needs this table, whichever migrations ran before.
            CREATE FUNCTION {s}.field_history_refuse_truncate() RETURNS trigger LANGUAGE plpgsql AS $fn$
            BEGIN
                RAISE EXCEPTION 'table %.% is append-only: TRUNCATE is refused', TG_TABLE_SCHEMA, TG_TABLE_NAME USING ERRCODE = '55000';
            END
            $fn$;
            CREATE TRIGGER field_history_no_truncate BEFORE TRUNCATE ON {s}.field_history
                FOR EACH STATEMENT EXECUTE FUNCTION {s}.field_history_refuse_truncate();
            """),
        (CustomerKeysVersion, "customer keys of opportunities as 64-bit hashes of tenant and key", """
            ALTER TABLE {s}.opportunities
                ADD COLUMN dup_company_key      bigint,
                ADD COLUMN dup_email_domain_key bigint,
                ADD COLUMN dup_phone_key        bigint;
            CREATE INDEX opportunities_dup_company ON {s}.opportunities (dup_company_key) WHERE dup_company_key IS NOT NULL;
            CREATE INDEX opportunities_dup_email_domain ON {s}.opportunities (dup_email_domain_key) WHERE dup_email_domain_key IS NOT NULL;
            CREATE INDEX opportunities_dup_phone ON {s}.opportunities (dup_phone_key) WHERE dup_phone_key IS NOT NULL;
            """),
        (ErasureVersion, "erasure of personal data: erase_personal_text, and routing decisions' text rewritable by it only", ErasureMigration),
        (ForecastAdjustmentsVersion, "forecast adjustments, append-only history, manufacturer scope only", $$"""
            CREATE TABLE {s}.forecast_adjustments (
                seq          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                tenant       text COLLATE "C" NOT NULL,
                period_start date        NOT NULL,
                period_end   date        NOT NULL CHECK (period_end > period_start),
                period_kind  smallint    NOT NULL CHECK (period_kind BETWEEN 0 AND 2),
                period_label text COLLATE "C" NOT NULL,
                node         text COLLATE "C" NOT NULL,
                category     smallint    NOT NULL CHECK (category BETWEEN 0 AND 4),
                amount_minor bigint      CHECK (amount_minor >= 0),
                currency     text        CHECK (length(currency) = 3),
                adjusted_by  text        NOT NULL,
                at           timestamptz NOT NULL,
                at_nanos     smallint    NOT NULL CHECK (at_nanos BETWEEN 0 AND 999),
                reason       text        NOT NULL,
                CHECK ((amount_minor IS NULL) = (currency IS NULL))
            );
            CREATE INDEX forecast_adjustments_period ON {s}.forecast_adjustments (tenant, period_start, period_end, period_kind, period_label, at, at_nanos, seq);
            ALTER TABLE {s}.forecast_adjustments ENABLE ROW LEVEL SECURITY;
            ALTER TABLE {s}.forecast_adjustments FORCE ROW LEVEL SECURITY;
            CREATE POLICY forecast_adjustments_read ON {s}.forecast_adjustments FOR SELECT USING ({{Tenant}} AND {{NoPartner}});
            CREATE POLICY forecast_adjustments_append ON {s}.forecast_adjustments FOR INSERT WITH CHECK ({{Tenant}} AND {{NoPartner}});
            {{SystemPolicy("forecast_adjustments")}}
            """),
        (AnalyzeAfterImportVersion, "analyze_after_import: statistics refreshed in a bulk import's transaction", """
            CREATE FUNCTION {s}.analyze_after_import(p_rows bigint) RETURNS boolean
            LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $fn$
            BEGIN
                IF p_rows < 50 + 0.1 * greatest((SELECT c.reltuples FROM pg_class c WHERE c.oid = '{s}.opportunities'::regclass), 0) THEN
                    RETURN false;
                END IF;
                ANALYZE {s}.opportunities, {s}.opportunity_feed, {s}.opportunity_feed_commits;
                RETURN true;
            END
            $fn$;
            REVOKE ALL ON FUNCTION {s}.analyze_after_import(bigint) FROM PUBLIC;
            """),
        (ForecastSnapshotRunsVersion, "scheduled forecast snapshot runs, manufacturer scope only", $$"""
            CREATE TABLE {s}.forecast_snapshot_runs (
                tenant       text COLLATE "C" NOT NULL,
                taken_on     date        NOT NULL,
                owner        text        NOT NULL,
                lease_until  timestamptz NOT NULL,
                claims       integer     NOT NULL CHECK (claims >= 1),
                completed_at timestamptz,
                PRIMARY KEY (tenant, taken_on)
            );
            ALTER TABLE {s}.forecast_snapshot_runs ENABLE ROW LEVEL SECURITY;
            ALTER TABLE {s}.forecast_snapshot_runs FORCE ROW LEVEL SECURITY;
            CREATE POLICY forecast_snapshot_runs_scope ON {s}.forecast_snapshot_runs
                USING ({{Tenant}} AND {{NoPartner}})
                WITH CHECK ({{Tenant}} AND {{NoPartner}});
            {{SystemPolicy("forecast_snapshot_runs")}}
            """),
    ];

    /// <summary>
    /// Migration 39: the customer keys of opportunities (<c>SalesOpportunity.CustomerKeys</c>), stored like
    /// the leads' since migration 13 — <c>dup_company_key</c>, <c>dup_email_domain_key</c>, <c>dup_phone_key</c>,
    /// each the 64-bit hash of tenant and key, indexed alone — so capture matches leads against deals. The
    /// table's row-level security covers them (a partner's scope sees its own deals only). The keys themselves
    /// are in the document's <c>customerKeys</c> (personal data, cleared by an erasure with the hashes). Deals
    /// stored before have no keys (a deal converted from a lead is still matched through the lead).
    /// </summary>
    public const int CustomerKeysVersion = 39;

    /// <summary>
    /// Migration 41: <c>erase_personal_text(forms, replacement)</c>, the owner's function that replaces each of
    /// <c>forms</c> in every text, json and jsonb column (key columns aside) of every table with a <c>tenant</c>
    /// column, in the rows of the transaction's tenant only (<c>opportunity.tenant</c>; refused in a partner's
    /// scope), raising <c>version</c> where a table has one; returns the rows changed. Routing decisions stay
    /// append-only for the app role and for the owner's system mode: only this function (which sets
    /// <c>opportunity.erasing</c> while it runs) passes their update policy.
    /// </summary>
    public const int ErasureVersion = 41;

    private static string ErasureMigration => string.Join(
        "\n",
        [
            $"CREATE POLICY routing_decisions_system_erase ON {{s}}.routing_decisions FOR UPDATE TO CURRENT_USER USING ({OwnerErasing}) WITH CHECK ({OwnerErasing});",
            SystemFunction(
                "erase_personal_text(p_forms text[], p_replacement text)",
                "integer",
                """
                DECLARE
                    v_tenant text := current_setting('opportunity.tenant', true);
                    v_space oid := (SELECT c.relnamespace FROM pg_class c WHERE c.oid = '{s}.leads'::regclass);
                    r record;
                    v_set text;
                    v_where text;
                    v_form text;
                    v_count integer;
                BEGIN
                    IF coalesce(v_tenant, '') = '' OR coalesce(current_setting('opportunity.partner', true), '') <> '' THEN
                        RAISE EXCEPTION 'erase_personal_text needs a tenant''s manufacturer scope' USING ERRCODE = '42501';
                    END IF;
                    result := 0;
                    PERFORM set_config('opportunity.erasing', 'on', true);
                    FOR r IN
                        SELECT c.oid::regclass::text AS tbl, a.attname::text AS col, format_type(a.atttypid, a.atttypmod) AS typ,
                               EXISTS (SELECT 1 FROM pg_attribute v WHERE v.attrelid = c.oid AND v.attname = 'version' AND NOT v.attisdropped) AS versioned
                        FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid
                        WHERE c.relnamespace = v_space AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
                          AND a.atttypid IN ('text'::regtype, 'json'::regtype, 'jsonb'::regtype, 'character varying'::regtype)
                          AND a.attname NOT IN ('tenant', 'id')
                          AND EXISTS (SELECT 1 FROM pg_attribute t WHERE t.attrelid = c.oid AND t.attname = 'tenant' AND NOT t.attisdropped)
                          AND NOT EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisprimary AND a.attnum = ANY (i.indkey))
                        ORDER BY 1, 2
                    LOOP
                        v_set := format('%I::text', r.col);
                        v_where := 'false';
                        FOREACH v_form IN ARRAY p_forms LOOP
                            v_set := format('replace(%s, %L, %L)', v_set, v_form, p_replacement);
                            v_where := format('%s OR strpos(%I::text, %L) > 0', v_where, r.col, v_form);
                        END LOOP;
                        EXECUTE format('UPDATE %s SET %I = (%s)::%s%s WHERE tenant = $1 AND (%s)', r.tbl, r.col, v_set, r.typ,
                            CASE WHEN r.versioned THEN ', version = version + 1' ELSE '' END, v_where) USING v_tenant;
                        GET DIAGNOSTICS v_count = ROW_COUNT;
                        result := result + v_count;
                    END LOOP;
                    PERFORM set_config('opportunity.erasing', 'off', true);
                END;
                """),
        ]);

    /// <summary>
    /// Migration 31, forecast adjustments (<c>IForecastAdjustmentStore</c>): one row per adjustment, the
    /// instant exactly (<c>at</c> in microseconds plus <c>at_nanos</c>), <c>seq</c> the order added (it
    /// breaks ties of the instant); a clearing adjustment has neither amount nor currency. Append-only like
    /// the field history: the store's role reads and inserts in the manufacturer's scope of a tenant
    /// (partners see none) and no policy admits an update or delete.
    /// </summary>
    public const int ForecastAdjustmentsVersion = 31;

    /// <summary>
    /// Migration 32, scheduled forecast snapshot runs (<c>IForecastSnapshotRunStore</c>): one row per
    /// tenant and date taken, the host holding its lease and until when, how often it was claimed, and
    /// when its snapshots were saved (in the transaction that sets <c>completed_at</c>). The
    /// manufacturer's data, under row-level security like the snapshots.
    /// </summary>
    public const int ForecastSnapshotRunsVersion = 32;

    /// <summary>
    /// Migration 44: the owner's <c>analyze_after_import(rows)</c>, which the importer calls in its transaction:
    /// when the import added at least autovacuum's default analyze threshold (50 rows + 10 % of the rows the
    /// statistics knew), it runs <c>ANALYZE</c> on opportunities and the change feed's tables, so the first reads
    /// after the import (a follower catching up, claims, queries) are planned on statistics that know the new
    /// rows. Planned on the statistics from before, a feed page of 10,000 changes was joined against a
    /// table believed empty (a scan per change: 98 and 308 s to catch up 10^5 changes instead of ≈ 1 s).
    /// <c>ANALYZE</c> needs the table's owner, hence the function (granted to the app role with the others).
    /// </summary>
    public const int AnalyzeAfterImportVersion = 44;

    /// <summary>
    /// Migration 30: targets and snapshots of a forecast tree's node (<c>ForecastScope.Node</c>): a
    /// third scope key column, <c>node</c>, the empty string for "not a node", in the primary key;
    /// existing rows get <c>node = ''</c> and keep their keys.
    /// </summary>
    public const int ForecastNodeVersion = 30;

    /// <summary>
    /// Migration 36, the field history (<see cref="IFieldHistory"/>): one row per change of an audited
    /// field, keyed by record and (event sequence, field), the order of a record's history; the instant
    /// exactly (<c>at</c> in microseconds plus <c>at_nanos</c>). Written with the record in its save
    /// transaction. Append-only like the routing decisions: the store's role reads and inserts in the
    /// manufacturer's scope of a tenant (partners see none), no policy admits an update or delete, and
    /// TRUNCATE is refused.
    /// </summary>
    public const int FieldHistoryVersion = 36;

    /// <summary>
    /// Migration 27, change feed retention (<see cref="IChangeFeed.TrimAsync"/>). The owner's
    /// <c>trim_feed(position)</c> removes, for the tenant the transaction's scope names, whole commits
    /// numbered below the position — never the tenant's newest — with their entries, and records the
    /// last removed position (its commit and that commit's last sequence) in <c>opportunity_feed_trimmed</c>; the store's role reads that table (a read
    /// after a position not past it answers "resync") and cannot delete feed rows itself.
    /// </summary>
    public const int FeedRetentionVersion = 27;

    private static string FeedRetentionMigration => $$"""
        CREATE TABLE {s}.opportunity_feed_trimmed (
            tenant   text COLLATE "C" NOT NULL PRIMARY KEY,
            position bigint NOT NULL,
            seq      bigint NOT NULL
        );
        ALTER TABLE {s}.opportunity_feed_trimmed ENABLE ROW LEVEL SECURITY;
        ALTER TABLE {s}.opportunity_feed_trimmed FORCE ROW LEVEL SECURITY;
        CREATE POLICY opportunity_feed_trimmed_read ON {s}.opportunity_feed_trimmed FOR SELECT USING ({{Tenant}} AND {{NoPartner}});
        {{SystemPolicy("opportunity_feed_trimmed")}}
        {{SystemFunction("trim_feed(p_position bigint)", "integer", $$$"""
        DECLARE
                v_tenant  text := current_setting('opportunity.tenant', true);
                v_through bigint;
                v_seq     bigint;
            BEGIN
                IF coalesce(v_tenant, '') = '' THEN
                    RAISE EXCEPTION 'trim_feed needs the scope of a tenant' USING ERRCODE = '42501';
                END IF;
                SELECT max(c.position) INTO v_through FROM {s}.opportunity_feed_commits c
                    WHERE c.tenant = v_tenant AND c.position < p_position
                      AND c.position < (SELECT max(n.position) FROM {s}.opportunity_feed_commits n WHERE n.tenant = v_tenant);
                result := 0;
                IF v_through IS NOT NULL THEN
                    SELECT max(f.seq) INTO v_seq FROM {s}.opportunity_feed f JOIN {s}.opportunity_feed_commits c ON c.tenant = f.tenant AND c.xid = f.xid
                        WHERE c.tenant = v_tenant AND c.position = v_through;
                    WITH gone AS (
                            DELETE FROM {s}.opportunity_feed_commits c WHERE c.tenant = v_tenant AND c.position <= v_through RETURNING c.xid),
                        entries AS (
                            DELETE FROM {s}.opportunity_feed f USING gone WHERE f.tenant = v_tenant AND f.xid = gone.xid RETURNING 1)
                    SELECT count(*)::integer INTO result FROM entries;
                    INSERT INTO {s}.opportunity_feed_trimmed AS t (tenant, position, seq) VALUES (v_tenant, v_through, coalesce(v_seq, 0))
                        ON CONFLICT (tenant) DO UPDATE SET (position, seq) = (excluded.position, excluded.seq)
                        WHERE (t.position, t.seq) < (excluded.position, excluded.seq);
                END IF;
            END;
        """)}}
        """;

    /// <summary>
    /// Migration 19: the same policies on opportunities (migration 6's), with each setting read in a
    /// scalar subquery. PostgreSQL evaluates such a subquery once per statement (an InitPlan), whereas a
    /// bare <c>current_setting(…)</c> in a policy is called again for every row: about a third of the
    /// time of reading the pipeline of 10^6 deals went there. Who sees and writes which row is unchanged
    /// (<c>ALTER POLICY</c> keeps each policy's roles); a setting cannot change within one statement.
    /// </summary>
    public const int SettingsOncePerStatementVersion = 19;

    private const string TenantOnce = "tenant = (SELECT current_setting('opportunity.tenant', true))";
    private const string NoPartnerOnce = "(SELECT coalesce(current_setting('opportunity.partner', true), '')) = ''";
    private const string PartnerOnce = "(SELECT current_setting('opportunity.partner', true))";
    private const string OwnerSystemOnce = "(SELECT current_setting('opportunity.system', true)) = 'on'";

    /// <summary>
    /// Migration 18: the weighted pipeline (snapshot load and push-down) reads this index only, never
    /// the table, whose rows carry the JSON document inline (about 10 times the bytes of the pipeline
    /// columns; PostgreSQL moves a value out of line only from rows of 2 kB). Keyed so that one
    /// tenant's open deals are one range, ordered by partner, stage and currency (the push-down's
    /// partner × stage groups stream without hashing); closed-lost deals, which accumulate and the
    /// pipeline never reads, stay out. An index-only scan needs the visibility map: autovacuum runs
    /// on opportunities after 2 % of the rows changed (default 20 %), so that pages a write touched
    /// are read through the index again soon.
    /// </summary>
    public const int PipelineIndexVersion = 18;

    /// <summary>
    /// Migration 43: <c>products</c>, the opportunity's amount per product of its line items as JSON
    /// text (<c>StoredValues.ProductsColumn</c>, null without lines), in the row — so every write of
    /// the row keeps it in step and the row's security policy covers it — and in the pipeline index's
    /// included columns, so the snapshot load and the grouping by product stay index-only scans.
    /// Filled from the documents in the migration.
    /// </summary>
    public const int ProductsVersion = 43;

    /// <summary>
    /// Migration 15, the change feed (<see cref="IChangeFeed"/>). Triggers of <c>opportunities</c>
    /// write a row per added or saved opportunity — tenant, id, the writing transaction's id
    /// (<c>pg_current_xact_id()</c>, the top-level one also inside a savepoint) and a sequence — in the
    /// writing transaction, so every write path feeds it (add, save, conversion, import, a caller's
    /// transaction); claims and leases leave the version alone and write nothing. They also mark the
    /// transaction in <c>opportunity_feed_commits</c> (one row per transaction and tenant), whose
    /// deferred constraint trigger runs at <c>COMMIT</c>: it takes a transaction-level advisory lock
    /// per tenant (in tenant order, so two transactions never deadlock) and numbers the mark from
    /// a sequence. The lock is held until the commit has completed, so a tenant's commit numbers
    /// follow its commit order, and a reader that sees number n already sees every number below n
    /// that will ever commit. A plain sequence taken at the write is not enough: a transaction that
    /// took 5 may commit after one that took 6, and a reader that saw 6 would skip 5. Nor is the
    /// visible horizon (<c>pg_snapshot_xmin</c>): it is the whole cluster's, so any long transaction
    /// of any database holds every feed back. A position is (commit number, sequence). The triggers
    /// <c>NOTIFY</c> channel <see cref="FeedChannel"/> with <c>schema:tenant</c>, delivered at commit.
    /// The trigger functions run as the owner (<c>SECURITY DEFINER</c>, <c>opportunity.system</c> on
    /// for their body): the commit-time numbering covers every tenant of a transaction, whatever
    /// tenant the transaction's scope names last.
    /// </summary>
    public const int ChangeFeedVersion = 15;

    /// <summary>The channel the change feed's triggers notify (see <see cref="ChangeFeedVersion"/>).</summary>
    public const string FeedChannel = "opportunity_feed";

    /// <summary>A trigger function of the owner with <c>opportunity.system</c> on for its body (the body must not <c>RETURN</c>).</summary>
    private static string SystemTriggerFunction(string name, string body) => $$"""
        CREATE FUNCTION {s}.{{name}}() RETURNS trigger
        LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $fn$
        DECLARE
            previous text := current_setting('opportunity.system', true);
        BEGIN
            PERFORM set_config('opportunity.system', 'on', true);
            {{body}}
            PERFORM set_config('opportunity.system', coalesce(previous, 'off'), true);
            RETURN NULL;
        END
        $fn$;
        """;

    private const string FeedInsertedBody = """
        INSERT INTO {s}.opportunity_feed (tenant, id) SELECT n.tenant, n.id FROM inserted n;
            INSERT INTO {s}.opportunity_feed_commits (tenant, xid)
                SELECT DISTINCT n.tenant, pg_current_xact_id()::text::bigint FROM inserted n ON CONFLICT DO NOTHING;
            PERFORM pg_notify('opportunity_feed', '{s}:' || t.tenant) FROM (SELECT DISTINCT n.tenant FROM inserted n) t;
        """;

    private const string FeedSavedBody = """
        INSERT INTO {s}.opportunity_feed (tenant, id) VALUES (NEW.tenant, NEW.id);
            INSERT INTO {s}.opportunity_feed_commits (tenant, xid) VALUES (NEW.tenant, pg_current_xact_id()::text::bigint) ON CONFLICT DO NOTHING;
            PERFORM pg_notify('opportunity_feed', '{s}:' || NEW.tenant);
        """;

    private const string FeedNumberBody = """
        PERFORM pg_advisory_xact_lock(hashtextextended('{s}.opportunity_feed:' || c.tenant, 0))
            FROM (SELECT m.tenant FROM {s}.opportunity_feed_commits m
                  WHERE m.xid = NEW.xid AND m.position IS NULL ORDER BY m.tenant) c;
            UPDATE {s}.opportunity_feed_commits m SET position = nextval('{s}.opportunity_feed_position')
                FROM (SELECT tenant FROM {s}.opportunity_feed_commits
                      WHERE xid = NEW.xid AND position IS NULL ORDER BY tenant) c
                WHERE m.tenant = c.tenant AND m.xid = NEW.xid;
        """;

    private static string ChangeFeedMigration => $$"""
        CREATE TABLE {s}.opportunity_feed (
            tenant text COLLATE "C" NOT NULL,
            xid    bigint NOT NULL DEFAULT pg_current_xact_id()::text::bigint,
            seq    bigint GENERATED ALWAYS AS IDENTITY,
            id     text COLLATE "C" NOT NULL,
            PRIMARY KEY (tenant, xid, seq)
        );
        CREATE TABLE {s}.opportunity_feed_commits (
            tenant   text COLLATE "C" NOT NULL,
            xid      bigint NOT NULL,
            position bigint,
            PRIMARY KEY (tenant, xid)
        );
        CREATE UNIQUE INDEX opportunity_feed_commits_position ON {s}.opportunity_feed_commits (tenant, position);
        CREATE SEQUENCE {s}.opportunity_feed_position;
        ALTER TABLE {s}.opportunity_feed ENABLE ROW LEVEL SECURITY;
        ALTER TABLE {s}.opportunity_feed FORCE ROW LEVEL SECURITY;
        CREATE POLICY opportunity_feed_read ON {s}.opportunity_feed FOR SELECT USING ({{Tenant}} AND {{NoPartner}});
        {{SystemPolicy("opportunity_feed")}}
        ALTER TABLE {s}.opportunity_feed_commits ENABLE ROW LEVEL SECURITY;
        ALTER TABLE {s}.opportunity_feed_commits FORCE ROW LEVEL SECURITY;
        CREATE POLICY opportunity_feed_commits_read ON {s}.opportunity_feed_commits FOR SELECT USING ({{Tenant}} AND {{NoPartner}});
        {{SystemPolicy("opportunity_feed_commits")}}

        -- One INSERT … SELECT per statement: an import of many rows writes its feed rows in one go.
        {{SystemTriggerFunction("opportunity_feed_inserted", FeedInsertedBody)}}
        CREATE TRIGGER opportunity_feed_inserted AFTER INSERT ON {s}.opportunities
            REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION {s}.opportunity_feed_inserted();

        {{SystemTriggerFunction("opportunity_feed_saved", FeedSavedBody)}}
        CREATE TRIGGER opportunity_feed_saved AFTER UPDATE ON {s}.opportunities
            FOR EACH ROW WHEN (OLD.version IS DISTINCT FROM NEW.version) EXECUTE FUNCTION {s}.opportunity_feed_saved();

        -- At COMMIT: the transaction's tenants locked in order, then numbered; later marks of it find nothing left to number.
        {{SystemTriggerFunction("opportunity_feed_number", FeedNumberBody)}}
        CREATE CONSTRAINT TRIGGER opportunity_feed_number AFTER INSERT ON {s}.opportunity_feed_commits
            DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION {s}.opportunity_feed_number();
        """;

    /// <summary>
    /// Migration 11: the columns the weighted pipeline reads and pushes down without the documents —
    /// the stage's kind (0 open, 1 won, 2 lost), the probability in basis points and the forecast
    /// category in force (override or stage default) and when the deal closed. After its SQL the
    /// store fills them from the stored documents (the stage defaults come from the store's
    /// pipeline catalog); a row whose document cannot be read keeps them null and is left out of
    /// the pipeline until it is saved again.
    /// </summary>
    public const int PipelineColumnsVersion = 11;

    /// <summary>
    /// Migration 13: the duplicate keys of leads (migration 3's text in <c>dup_company</c>, <c>dup_email_domain</c>,
    /// <c>dup_phone</c>, each indexed with the tenant) become <c>dup_company_key</c>, <c>dup_email_domain_key</c> and
    /// <c>dup_phone_key</c>: the 64-bit hash of tenant and key (<see cref="PurgedIdKey"/> of <see cref="PurgedIdHash"/>,
    /// which the store computes in .NET for its writes and look-ups), each indexed alone. An index entry takes 16 bytes
    /// instead of 8 plus tenant and key; the tenant in the hash keeps tenants' keys apart, and the store compares the
    /// keys of the leads found again, so a collision never makes a candidate. Also <c>partners.document</c> becomes
    /// <c>json</c> like the leads' in migration 10 (a partner's <c>jsonb</c> took about 880 bytes, its text about 650;
    /// the capacity trigger reads <c>document-&gt;&gt;'capacity'</c> of either). The conversion rewrites <c>leads</c>,
    /// <c>partners</c> and their indexes under an exclusive lock, like migration 10.
    /// </summary>
    public const int HashedDuplicateKeysVersion = 13;

    private static string HashedDuplicateKeysMigration => $$"""
        DROP INDEX {s}.leads_dup_company, {s}.leads_dup_email_domain, {s}.leads_dup_phone;
        ALTER TABLE {s}.leads
            ALTER COLUMN dup_company TYPE bigint USING {{PurgedIdKey(PurgedIdHash("tenant", "dup_company"))}},
            ALTER COLUMN dup_email_domain TYPE bigint USING {{PurgedIdKey(PurgedIdHash("tenant", "dup_email_domain"))}},
            ALTER COLUMN dup_phone TYPE bigint USING {{PurgedIdKey(PurgedIdHash("tenant", "dup_phone"))}};
        ALTER TABLE {s}.leads RENAME COLUMN dup_company TO dup_company_key;
        ALTER TABLE {s}.leads RENAME COLUMN dup_email_domain TO dup_email_domain_key;
        ALTER TABLE {s}.leads RENAME COLUMN dup_phone TO dup_phone_key;
        CREATE INDEX leads_dup_company ON {s}.leads (dup_company_key) WHERE dup_company_key IS NOT NULL;
        CREATE INDEX leads_dup_email_domain ON {s}.leads (dup_email_domain_key) WHERE dup_email_domain_key IS NOT NULL;
        CREATE INDEX leads_dup_phone ON {s}.leads (dup_phone_key) WHERE dup_phone_key IS NOT NULL;

        ALTER TABLE {s}.partners ALTER COLUMN document TYPE json USING document::json;
        """;

    /// <summary>
    /// Migration 14: the store writes a lead's document without the values its row holds in columns — id,
    /// tenant, state, assigned partner, version (<c>LeadDocument</c>) — and every read takes them from the
    /// columns. Documents already stored keep them and read alike. The claim of due leads therefore needs the
    /// columns too: <c>claim_due_lead_rows</c> is migration 5's <c>claim_due_batch_leads</c> with the state and
    /// the assigned partner, and replaces it (dropped, so that no host of an earlier version claims leads it can
    /// no longer read). No row is rewritten.
    /// </summary>
    public const int LeanLeadRowsVersion = 14;

    private static string LeanLeadRowsMigration => $$"""
        DROP FUNCTION {s}.claim_due_batch_leads(timestamptz, text, integer, timestamptz);
        {{ClaimDue("leads", withTenant: true, name: "claim_due_lead_rows", leadColumns: true)}}
        """;

    /// <summary>
    /// Migration 17: <c>sales_targets</c> and <c>forecast_snapshots</c>, keyed by tenant, the whole
    /// period (dates, kind, label: a <c>ForecastPeriod</c>'s identity) and the scope as two key
    /// columns, partner and region, the empty string meaning "all"; amounts in integer minor units
    /// beside one currency; a snapshot's amount per forecast category in five nullable columns.
    /// The manufacturer's data: row-level security shows a tenant's rows in its manufacturer scope
    /// only (a partner's transaction sees none), and the owner's cross-tenant policy as on every table.
    /// </summary>
    public const int ForecastsVersion = 17;

    private static string ForecastsMigration => $$"""
        CREATE TABLE {s}.sales_targets (
            tenant       text COLLATE "C" NOT NULL,
            period_start date     NOT NULL,
            period_end   date     NOT NULL CHECK (period_end > period_start),
            period_kind  smallint NOT NULL CHECK (period_kind BETWEEN 0 AND 2),
            period_label text COLLATE "C" NOT NULL,
            partner      text COLLATE "C" NOT NULL,
            region       text COLLATE "C" NOT NULL,
            amount_minor bigint   NOT NULL CHECK (amount_minor >= 0),
            currency     text     NOT NULL CHECK (length(currency) = 3),
            PRIMARY KEY (tenant, period_start, period_end, period_kind, period_label, partner, region)
        );
        CREATE TABLE {s}.forecast_snapshots (
            tenant                   text COLLATE "C" NOT NULL,
            period_start             date     NOT NULL,
            period_end               date     NOT NULL CHECK (period_end > period_start),
            period_kind              smallint NOT NULL CHECK (period_kind BETWEEN 0 AND 2),
            period_label             text COLLATE "C" NOT NULL,
            partner                  text COLLATE "C" NOT NULL,
            region                   text COLLATE "C" NOT NULL,
            taken_on                 date     NOT NULL,
            currency                 text     NOT NULL CHECK (length(currency) = 3),
            expected_minor           bigint   NOT NULL,
            p10_minor                bigint   NOT NULL,
            p50_minor                bigint   NOT NULL,
            p90_minor                bigint   NOT NULL,
            commit_minor             bigint   NOT NULL,
            best_case_minor          bigint   NOT NULL,
            category_pipeline_minor  bigint,
            category_best_case_minor bigint,
            category_commit_minor    bigint,
            category_closed_minor    bigint,
            category_omitted_minor   bigint,
            PRIMARY KEY (tenant, period_start, period_end, period_kind, period_label, partner, region, taken_on)
        );
        ALTER TABLE {s}.sales_targets ENABLE ROW LEVEL SECURITY;
        ALTER TABLE {s}.sales_targets FORCE ROW LEVEL SECURITY;
        CREATE POLICY sales_targets_scope ON {s}.sales_targets
            USING ({{Tenant}} AND {{NoPartner}})
            WITH CHECK ({{Tenant}} AND {{NoPartner}});
        {{SystemPolicy("sales_targets")}}
        ALTER TABLE {s}.forecast_snapshots ENABLE ROW LEVEL SECURITY;
        ALTER TABLE {s}.forecast_snapshots FORCE ROW LEVEL SECURITY;
        CREATE POLICY forecast_snapshots_scope ON {s}.forecast_snapshots
            USING ({{Tenant}} AND {{NoPartner}})
            WITH CHECK ({{Tenant}} AND {{NoPartner}});
        {{SystemPolicy("forecast_snapshots")}}
        """;

    /// <summary>The lead states that count toward a partner's capacity (<c>StoredValues.CountsTowardCapacity</c>).</summary>
    private const string OpenStates = "('Assigned', 'Accepted')";

    /// <summary>The message of the trigger's exception when a partner is full.</summary>
    public const string AtCapacityMessage = "opportunity: partner at capacity";

    /// <summary>The SQLSTATE of that exception; its message is <c>{AtCapacityMessage}|open|capacity|partner</c> (the message, unlike the detail, is never redacted).</summary>
    public const string AtCapacitySqlState = "OP001";

    /// <summary>The migration adding the partner load counters (filled from the stored leads) and the quarantine table.</summary>
    public const int CapacityAndQuarantineVersion = 5;

    /// <summary>
    /// Migration 6: the tenant policies lose their <c>opportunity.system</c> escape (the app role could set
    /// it); cross-tenant access becomes a second policy per table for the migrating role only (<c>TO
    /// CURRENT_USER</c>, the owner), used by the <c>SECURITY DEFINER</c> functions below, which the
    /// app role may execute (granted by <c>GrantTo</c>) but not change. A statement-level trigger
    /// refuses <c>TRUNCATE</c> of the append-only routing decisions, which row-level security does not cover.
    /// </summary>
    public const int SystemWorkVersion = 6;

    /// <summary>
    /// The owner's functions doing the cross-tenant work of the store, as <c>name(argument types)</c>
    /// for grants. Each runs as the owner with <c>opportunity.system</c> on for its own duration only.
    /// </summary>
    public static IReadOnlyList<string> SystemFunctions { get; } =
    [
        "claim_due_lead_rows(timestamptz, text, integer, timestamptz)",
        "claim_due_batch_opportunities(timestamptz, text, integer, timestamptz)",
        "quarantine_claimed_leads(text, timestamptz, text[], text[], text[], timestamptz)",
        "quarantine_claimed_opportunities(text, timestamptz, text[], text[], text[], timestamptz)",
        "quarantine_all()",
        "claim_due_leads(timestamptz, text, integer, timestamptz)",
        "claim_due_opportunities(timestamptz, text, integer, timestamptz)",
        "claim_outbox(timestamptz, text, integer, timestamptz)",
        "outbox_leased_tenant(text, text)",
        "outbox_pending()",
        "outbox_dead_letters()",
        "requeue_dead_letter(text, timestamptz)",
        "purge_delivered(timestamptz, integer)",
        "trim_feed(bigint)",
        "erase_personal_text(text[], text)",
        "analyze_after_import(bigint)",
    ];

    /// <summary>The owner-only policy admitting cross-tenant work on <paramref name="table"/> (every command).</summary>
    private static string SystemPolicy(string table) =>
        $"CREATE POLICY {table}_system ON {{s}}.{table} TO CURRENT_USER USING ({OwnerSystem}) WITH CHECK ({OwnerSystem});";

    /// <summary>
    /// A <c>SECURITY DEFINER</c> function of the owner that switches cross-tenant access on for its body
    /// only. The body must not <c>RETURN</c> (the setting would stay on): a set-returning function uses
    /// <c>RETURN QUERY</c>, a scalar one (<paramref name="returns"/> not a <c>TABLE</c>) assigns <c>result</c>.
    /// </summary>
    private static string SystemFunction(string signature, string returns, string body, bool replace = false) => $$"""
        CREATE {{(replace ? "OR REPLACE " : string.Empty)}}FUNCTION {s}.{{signature}} RETURNS {{returns}}
        LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $fn$
        #variable_conflict use_column
        DECLARE
            previous text := current_setting('opportunity.system', true);
            {{(returns.StartsWith("TABLE", StringComparison.Ordinal) ? string.Empty : $"result {returns};")}}
        BEGIN
            PERFORM set_config('opportunity.system', 'on', true);
            {{body}}
            PERFORM set_config('opportunity.system', coalesce(previous, 'off'), true);
            {{(returns.StartsWith("TABLE", StringComparison.Ordinal) ? "RETURN;" : "RETURN result;")}}
        END
        $fn$;
        REVOKE ALL ON FUNCTION {s}.{{signature[..(signature.IndexOf('(', StringComparison.Ordinal))]}}{{ArgumentTypes(signature)}} FROM PUBLIC;
        """;

    // "claim(p_now timestamptz, p_owner text)" → "(timestamptz, text)"
    private static string ArgumentTypes(string signature)
    {
        var inner = signature[(signature.IndexOf('(', StringComparison.Ordinal) + 1)..signature.LastIndexOf(')')];
        return "(" + string.Join(", ", inner.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(a => a.Split(' ')[^1])) + ")";
    }

    // The claim of due rows across tenants: the statement the store itself ran before migration 6.
    private static string ClaimDueFunction(string table) => ClaimDue(table, withTenant: false);

    // Migration 5: the claim of due rows with each row's tenant, so that a row whose document cannot be read
    // can be quarantined and reported (migration 6's claim_due_* return no tenant).
    private static string ClaimDueBatchFunction(string table) => ClaimDue(table, withTenant: true);

    // Migration 14's claim_due_lead_rows (leadColumns): also each lead's state and assigned partner, which its document leaves out.
    private static string ClaimDue(string table, bool withTenant, string? name = null, bool leadColumns = false) => SystemFunction(
        $"{name ?? $"claim_due_{(withTenant ? "batch_" : "")}{table}"}(p_now timestamptz, p_owner text, p_max integer, p_until timestamptz)",
        $"TABLE ({(withTenant ? "tenant text, " : "")}id text, version bigint, document text{(leadColumns ? ", state text, assigned_partner text" : "")})",
        $$"""
        RETURN QUERY
                WITH picked AS (
                    SELECT tenant, id FROM {s}.{{table}}
                    WHERE next_due_at <= p_now AND (lease_until IS NULL OR lease_until <= p_now OR lease_owner = p_owner)
                    ORDER BY next_due_at, tenant, id
                    LIMIT p_max
                    FOR UPDATE SKIP LOCKED),
                leased AS (
                    UPDATE {s}.{{table}} t SET lease_owner = p_owner, lease_until = p_until
                    FROM picked WHERE t.tenant = picked.tenant AND t.id = picked.id
                    RETURNING t.tenant, t.id, t.version, t.document::text AS document, t.next_due_at{{(leadColumns ? ", t.state, t.assigned_partner" : "")}})
                SELECT {{(withTenant ? "leased.tenant::text, " : "")}}leased.id::text, leased.version, leased.document{{(leadColumns ? ", leased.state, leased.assigned_partner::text" : "")}} FROM leased ORDER BY leased.next_due_at, leased.tenant, leased.id;
        """);

    // Migration 5: sets aside rows the caller has just claimed (leased to p_owner until p_until, so no other
    // tenant's row can be named) and could not read: recorded with the due time they had, out of the due index.
    private static string QuarantineClaimedFunction(string table, string kind) => SystemFunction(
        $"quarantine_claimed_{table}(p_owner text, p_until timestamptz, p_tenants text[], p_ids text[], p_reasons text[], p_at timestamptz)",
        "integer",
        $$"""
        WITH bad AS (SELECT * FROM unnest(p_tenants, p_ids, p_reasons) AS b(tenant, id, reason)),
                parked AS (
                    UPDATE {s}.{{table}} r SET next_due_at = NULL, lease_owner = NULL, lease_until = NULL
                    FROM bad WHERE r.tenant = bad.tenant AND r.id = bad.id AND r.lease_owner = p_owner AND r.lease_until = p_until
                    RETURNING r.tenant, r.id, bad.reason, (SELECT o.next_due_at FROM {s}.{{table}} o WHERE o.tenant = r.tenant AND o.id = r.id) AS due)
                INSERT INTO {s}.quarantine (tenant, kind, id, reason, quarantined_at, next_due_at)
                SELECT parked.tenant, '{{kind}}', parked.id, parked.reason, p_at, parked.due FROM parked
                ON CONFLICT DO NOTHING;
                GET DIAGNOSTICS result = ROW_COUNT;
        """);

    private const string MessageColumns = "id text, tenant text, topic text, type text, payload text, created_at timestamptz, attempts integer, next_attempt_at timestamptz, last_error text";

    private const string SelectMessage = "o.id::text, o.tenant::text, o.topic, o.type, o.payload, o.created_at, o.attempts, o.next_attempt_at, o.last_error";

    private static string SystemWorkMigration => string.Join(
        "\n",
        [
            .. new[] { "leads", "opportunities", "partners", "outbox" }.Select(t => $"DROP POLICY {t}_scope ON {{s}}.{t};"),
            $$"""
            CREATE POLICY leads_scope ON {s}.leads
                USING ({{Tenant}} AND ({{NoPartner}}
                    OR (assigned_partner = {{Partner}} AND state IN ('Assigned', 'Accepted', 'Converted'))))
                WITH CHECK ({{Tenant}} AND {{NoPartner}});
            CREATE POLICY opportunities_scope ON {s}.opportunities
                USING ({{Tenant}} AND ({{NoPartner}} OR partner = {{Partner}}))
                WITH CHECK ({{Tenant}} AND {{NoPartner}});
            CREATE POLICY partners_scope ON {s}.partners
                USING ({{Tenant}})
                WITH CHECK ({{Tenant}} AND {{NoPartner}});
            CREATE POLICY outbox_scope ON {s}.outbox
                USING ({{Tenant}} AND {{NoPartner}})
                WITH CHECK ({{Tenant}} AND {{NoPartner}});

            DROP POLICY routing_decisions_read ON {s}.routing_decisions;
            DROP POLICY routing_decisions_append ON {s}.routing_decisions;
            CREATE POLICY routing_decisions_read ON {s}.routing_decisions FOR SELECT
                USING ({{Tenant}} AND {{NoPartner}});
            CREATE POLICY routing_decisions_append ON {s}.routing_decisions FOR INSERT
                WITH CHECK ({{Tenant}} AND {{NoPartner}});
            CREATE POLICY routing_decisions_system_read ON {s}.routing_decisions FOR SELECT TO CURRENT_USER
                USING ({{OwnerSystem}});
            CREATE POLICY routing_decisions_system_append ON {s}.routing_decisions FOR INSERT TO CURRENT_USER
                WITH CHECK ({{OwnerSystem}});

            CREATE FUNCTION {s}.refuse_truncate() RETURNS trigger LANGUAGE plpgsql AS $fn$
            BEGIN
                RAISE EXCEPTION 'table %.% is append-only: TRUNCATE is refused', TG_TABLE_SCHEMA, TG_TABLE_NAME USING ERRCODE = '55000';
            END
            $fn$;
            CREATE TRIGGER routing_decisions_no_truncate BEFORE TRUNCATE ON {s}.routing_decisions
                FOR EACH STATEMENT EXECUTE FUNCTION {s}.refuse_truncate();
            """,
            .. new[] { "leads", "opportunities", "partners", "outbox" }.Select(SystemPolicy),
            ClaimDueFunction("leads"),
            ClaimDueFunction("opportunities"),
            SystemFunction(
                "claim_outbox(p_now timestamptz, p_owner text, p_max integer, p_until timestamptz)",
                $"TABLE ({MessageColumns})",
                $$"""
                RETURN QUERY
                        WITH picked AS (
                            SELECT seq FROM {s}.outbox
                            WHERE status = 'pending' AND due_at <= p_now AND (lease_until IS NULL OR lease_until <= p_now OR lease_owner = p_owner)
                            ORDER BY due_at, seq
                            LIMIT p_max
                            FOR UPDATE SKIP LOCKED),
                        leased AS (
                            UPDATE {s}.outbox o SET lease_owner = p_owner, lease_until = p_until
                            FROM picked WHERE o.seq = picked.seq
                            RETURNING o.*)
                        SELECT {{SelectMessage}} FROM leased o ORDER BY o.due_at, o.seq;
                """),
            SystemFunction(
                "outbox_leased_tenant(p_id text, p_owner text)",
                "text",
                """
                result := (SELECT o.tenant::text FROM {s}.outbox o WHERE o.id = p_id AND o.status = 'pending' AND o.lease_owner = p_owner);
                """),
            SystemFunction(
                "outbox_pending()",
                $"TABLE ({MessageColumns})",
                $$"""
                RETURN QUERY SELECT {{SelectMessage}} FROM {s}.outbox o WHERE o.status = 'pending' ORDER BY o.seq;
                """),
            SystemFunction(
                "outbox_dead_letters()",
                $"TABLE ({MessageColumns}, dead_reason text, dead_at timestamptz)",
                $$"""
                RETURN QUERY SELECT {{SelectMessage}}, o.dead_reason, o.dead_at FROM {s}.outbox o WHERE o.status = 'dead' ORDER BY o.dead_at, o.seq;
                """),
            SystemFunction(
                "requeue_dead_letter(p_id text, p_now timestamptz)",
                "boolean",
                """
                UPDATE {s}.outbox SET status = 'pending', attempts = 0, next_attempt_at = p_now, due_at = p_now, dead_reason = NULL, dead_at = NULL
                    WHERE id = p_id AND status = 'dead';
                result := FOUND;
                """),
        ]);

    /// <summary>
    /// The SQL of <c>StoredValues.OutboxIdHash</c> over the text expressions <paramref name="tenant"/> and
    /// <paramref name="id"/>: the first 16 bytes of SHA-256 of tenant, a zero byte and id (UTF-8).
    /// </summary>
    public static string PurgedIdHash(string tenant, string id) =>
        $"substring(sha256(convert_to({tenant}, 'UTF8') || '\\x00'::bytea || convert_to({id}, 'UTF8')) from 1 for 16)";

    private static string StorageGrowthMigration => $$"""
        ALTER TABLE {s}.routing_decisions ADD COLUMN summary bytea;
        CREATE INDEX outbox_delivered ON {s}.outbox (delivered_at, seq) WHERE status = 'delivered';
        CREATE TABLE {s}.outbox_purged (
            tenant  text COLLATE "C" NOT NULL,
            id_hash bytea NOT NULL CHECK (length(id_hash) = 16),
            PRIMARY KEY (tenant, id_hash)
        );

        ALTER TABLE {s}.outbox_purged ENABLE ROW LEVEL SECURITY;
        ALTER TABLE {s}.outbox_purged FORCE ROW LEVEL SECURITY;
        CREATE POLICY outbox_purged_read ON {s}.outbox_purged FOR SELECT
            USING ({{Tenant}} AND {{NoPartner}});
        CREATE POLICY outbox_purged_system_read ON {s}.outbox_purged FOR SELECT TO CURRENT_USER
            USING ({{OwnerSystem}});
        CREATE POLICY outbox_purged_system_append ON {s}.outbox_purged FOR INSERT TO CURRENT_USER
            WITH CHECK ({{OwnerSystem}});
        -- Its own function, not migration 6's refuse_truncate: this migration does not depend on 6 having run first.
        CREATE FUNCTION {s}.outbox_purged_refuse_truncate() RETURNS trigger LANGUAGE plpgsql AS $fn$
        BEGIN
            RAISE EXCEPTION 'table %.% is append-only: TRUNCATE is refused', TG_TABLE_SCHEMA, TG_TABLE_NAME USING ERRCODE = '55000';
        END
        $fn$;
        CREATE TRIGGER outbox_purged_no_truncate BEFORE TRUNCATE ON {s}.outbox_purged
            FOR EACH STATEMENT EXECUTE FUNCTION {s}.outbox_purged_refuse_truncate();

        {{PurgeDeliveredFunction}}
        """;

    // Migration 7: deletes delivered rows of every tenant, oldest first (rows another host is purging are
    // skipped), remembering each id's hash in outbox_purged in the same statement; returns how many it deleted.
    private static string PurgeDeliveredFunction => SystemFunction(
        "purge_delivered(p_before timestamptz, p_max integer)",
        "integer",
        $$"""
        WITH picked AS (
                    SELECT o.seq FROM {s}.outbox o
                    WHERE o.status = 'delivered' AND o.delivered_at < p_before
                    ORDER BY o.delivered_at, o.seq
                    LIMIT p_max
                    FOR UPDATE SKIP LOCKED),
                gone AS (
                    DELETE FROM {s}.outbox o USING picked
                    WHERE o.seq = picked.seq AND o.status = 'delivered'
                    RETURNING o.tenant, o.id),
                remembered AS (
                    INSERT INTO {s}.outbox_purged (tenant, id_hash)
                    SELECT gone.tenant, {{PurgedIdHash("gone.tenant", "gone.id")}} FROM gone
                    ON CONFLICT DO NOTHING)
                SELECT count(*)::integer INTO result FROM gone;
        """);

    /// <summary>Bits of an id's hash that choose its bucket row in <c>outbox_purged</c> (migration 8): 4,096 rows per tenant at most.</summary>
    public const int PurgedBucketBits = 12;

    /// <summary>
    /// The bucket of a purged id (migration 8) from its 16-byte <see cref="PurgedIdHash"/> <paramref name="hash"/>:
    /// the <see cref="PurgedBucketBits"/> bits after the first 8 bytes, which <see cref="PurgedIdKey"/> holds.
    /// </summary>
    public static string PurgedBucket(string hash) => $"((get_byte({hash}, 8) << 4) | (get_byte({hash}, 9) >> 4))";

    /// <summary>The 64-bit key of a purged id in its bucket's array (migration 8): the first 8 bytes of its <see cref="PurgedIdHash"/>.</summary>
    public static string PurgedIdKey(string hash) => $"('x' || encode(substring({hash} from 1 for 8), 'hex'))::bit(64)::bigint";

    /// <summary>
    /// Migration 8: <c>outbox_purged</c> holds one row per tenant and bucket with the 64-bit keys of that
    /// bucket's purged ids in an array, instead of a row per id. PostgreSQL's row header, line pointer and
    /// primary-key entry (about 110 bytes) are paid once per bucket, not per message, so a purged id costs
    /// about 8 bytes plus its share of the row. An id is recognised by its bucket (12 bits) and key (64 bits)
    /// of the same hash as before; the 16-byte hashes stored by migration 7 are converted in place (the table
    /// keeps its grants, policies and TRUNCATE trigger), none lost. The owner's <c>purge_delivered</c> appends
    /// to the arrays (a new owner-only update policy); a trigger refuses any update that is not an append (a
    /// remembered id is never forgotten), TRUNCATE stays refused, the app role only reads its tenant's rows.
    /// </summary>
    public const int PackedPurgedIdsVersion = 8;

    private static string PackedPurgedIdsMigration => $$"""
        -- Converted in place, so that the table keeps its grants (also those made outside the library), policies and
        -- TRUNCATE trigger. Without FORCE for the conversion, the owner reads and deletes every tenant's rows.
        ALTER TABLE {s}.outbox_purged NO FORCE ROW LEVEL SECURITY;
        CREATE TEMPORARY TABLE outbox_purged_packed ON COMMIT DROP AS
            SELECT tenant, {{PurgedBucket("id_hash")}} AS bucket, array_agg({{PurgedIdKey("id_hash")}} ORDER BY id_hash) AS keys
            FROM {s}.outbox_purged GROUP BY 1, 2;
        DELETE FROM {s}.outbox_purged;
        ALTER TABLE {s}.outbox_purged
            DROP CONSTRAINT outbox_purged_pkey,
            DROP COLUMN id_hash,
            ADD COLUMN bucket integer NOT NULL CHECK (bucket >= 0 AND bucket < {{1 << PurgedBucketBits}}),
            ADD COLUMN keys bigint[] NOT NULL,
            ADD PRIMARY KEY (tenant, bucket);
        INSERT INTO {s}.outbox_purged (tenant, bucket, keys) SELECT tenant, bucket, keys FROM outbox_purged_packed;
        ALTER TABLE {s}.outbox_purged FORCE ROW LEVEL SECURITY;

        CREATE POLICY outbox_purged_system_extend ON {s}.outbox_purged FOR UPDATE TO CURRENT_USER
            USING ({{OwnerSystem}}) WITH CHECK ({{OwnerSystem}});
        -- The only update is purge_delivered's append: keys already remembered stay, in their place.
        CREATE FUNCTION {s}.outbox_purged_append_only() RETURNS trigger LANGUAGE plpgsql AS $fn$
        BEGIN
            IF NEW.tenant IS DISTINCT FROM OLD.tenant OR NEW.bucket IS DISTINCT FROM OLD.bucket
                OR NEW.keys[1:cardinality(OLD.keys)] IS DISTINCT FROM OLD.keys THEN
                RAISE EXCEPTION 'table %.% only grows: an update may only append keys', TG_TABLE_SCHEMA, TG_TABLE_NAME USING ERRCODE = '55000';
            END IF;
            RETURN NEW;
        END
        $fn$;
        CREATE TRIGGER outbox_purged_append_only BEFORE UPDATE ON {s}.outbox_purged
            FOR EACH ROW EXECUTE FUNCTION {s}.outbox_purged_append_only();

        {{PackedPurgeDeliveredFunction}}
        """;

    // Migration 8: as migration 7's function, but each purged id's key is appended to its bucket's row. Rows are
    // written in (tenant, bucket) order, so hosts purging at once wait for each other's rows but never deadlock.
    private static string PackedPurgeDeliveredFunction => SystemFunction(
        "purge_delivered(p_before timestamptz, p_max integer)",
        "integer",
        $$"""
        WITH picked AS (
                    SELECT o.seq FROM {s}.outbox o
                    WHERE o.status = 'delivered' AND o.delivered_at < p_before
                    ORDER BY o.delivered_at, o.seq
                    LIMIT p_max
                    FOR UPDATE SKIP LOCKED),
                gone AS (
                    DELETE FROM {s}.outbox o USING picked
                    WHERE o.seq = picked.seq AND o.status = 'delivered'
                    RETURNING o.tenant, o.id),
                hashed AS (
                    SELECT gone.tenant, {{PurgedIdHash("gone.tenant", "gone.id")}} AS h FROM gone),
                packed AS (
                    SELECT hashed.tenant, {{PurgedBucket("hashed.h")}} AS bucket, array_agg({{PurgedIdKey("hashed.h")}}) AS keys
                    FROM hashed GROUP BY 1, 2),
                remembered AS (
                    INSERT INTO {s}.outbox_purged AS p (tenant, bucket, keys)
                    SELECT packed.tenant, packed.bucket, packed.keys FROM packed ORDER BY packed.tenant, packed.bucket
                    ON CONFLICT (tenant, bucket) DO UPDATE SET keys = p.keys || excluded.keys)
                SELECT count(*)::integer INTO result FROM gone;
        """,
        replace: true);

    /// <summary>
    /// Migration 10, storage and dispatch: (1) <c>leads.document</c> becomes <c>json</c>, the text as the
    /// store wrote it, instead of <c>jsonb</c>'s binary form, which is about a sixth larger for a lead
    /// (key offsets, no compression below PostgreSQL's 2 KB TOAST threshold); every row is converted (a
    /// table rewrite under an exclusive lock, which also drops the dead row versions). (2) <c>claim_outbox</c>
    /// no longer rewrites the messages its caller already holds with at least half a lease left: it still
    /// returns them (the dispatcher asks for held + room), but locks and re-leases only what it takes, so
    /// the caller's own renewals and completions no longer queue behind its claims (see
    /// <see cref="LeanClaimOutboxFunction"/>).
    /// </summary>
    public const int LeanLeadsAndClaimsVersion = 10;

    private static string LeanLeadsAndClaimsMigration => $$"""
        ALTER TABLE {s}.leads ALTER COLUMN document TYPE json USING document::json;

        {{LeanClaimOutboxFunction}}
        """;

    // Migration 10: as migration 6's claim_outbox, but the caller's own messages with more than half a lease left
    // are returned as they are (read, not locked, not rewritten); only free messages, expired leases and the
    // caller's messages with less than half a lease left are locked (SKIP LOCKED) and leased. Before, every claim
    // rewrote every message its dispatcher held (up to four batches), and the dispatcher's own renewals and
    // completions of those messages waited for the claim's row locks.
    private static string LeanClaimOutboxFunction => SystemFunction(
        "claim_outbox(p_now timestamptz, p_owner text, p_max integer, p_until timestamptz)",
        $"TABLE ({MessageColumns})",
        $$"""
        RETURN QUERY
                WITH picked AS (
                    SELECT o.seq, o.due_at FROM {s}.outbox o
                    WHERE o.status = 'pending' AND o.due_at <= p_now
                      AND (o.lease_until IS NULL OR o.lease_until <= p_now OR (o.lease_owner = p_owner AND o.lease_until <= p_now + (p_until - p_now) / 2))
                    ORDER BY o.due_at, o.seq
                    LIMIT p_max
                    FOR UPDATE SKIP LOCKED),
                kept AS (
                    SELECT o.seq, o.due_at FROM {s}.outbox o
                    WHERE o.status = 'pending' AND o.due_at <= p_now AND o.lease_owner = p_owner AND o.lease_until > p_now + (p_until - p_now) / 2
                    ORDER BY o.due_at, o.seq
                    LIMIT p_max),
                chosen AS (
                    SELECT u.seq, u.renew FROM (SELECT picked.seq, picked.due_at, true AS renew FROM picked
                                                UNION ALL SELECT kept.seq, kept.due_at, false FROM kept) u
                    ORDER BY u.due_at, u.seq
                    LIMIT p_max),
                leased AS (
                    UPDATE {s}.outbox o SET lease_owner = p_owner, lease_until = p_until
                    FROM chosen WHERE chosen.renew AND o.seq = chosen.seq
                    RETURNING o.*),
                held AS (
                    SELECT o.* FROM {s}.outbox o JOIN chosen ON NOT chosen.renew AND o.seq = chosen.seq)
                SELECT {{SelectMessage}} FROM (SELECT * FROM leased UNION ALL SELECT * FROM held) o ORDER BY o.due_at, o.seq;
        """,
        replace: true);

    /// <summary>
    /// The migration adding the duplicate-key columns of leads (covered by the existing
    /// <c>leads_scope</c> policy and table grants); after its SQL the store fills them for the
    /// leads already stored (the keys are computed in .NET, <c>DuplicateKeys.Normalised</c>).
    /// </summary>
    public const int DuplicateKeysVersion = 3;

    /// <summary>
    /// The migration for storage growth: <c>routing_decisions.summary</c> (the compact decision; old
    /// rows keep their full text and no summary; adding a nullable column rewrites no row, so the
    /// append-only policies and migration 6's TRUNCATE trigger are untouched), an index of delivered
    /// outbox rows by delivery time for the purge, and <c>outbox_purged</c>, the 16-byte id hashes of
    /// purged messages that keep de-duplicating them. The table follows migration 6's model: a tenant
    /// policy (read only: the store's role reads it in the enqueue's <c>NOT EXISTS</c>, in the tenant's
    /// scope) and owner-only system policies; only the owner's <c>purge_delivered</c> function, which
    /// deletes delivered rows of every tenant, writes it. Neither it nor the outbox may be deleted
    /// from by the store's role, and TRUNCATE of <c>outbox_purged</c> is refused like that of the decisions.
    /// </summary>
    public const int StorageGrowthVersion = 7;

    /// <summary>The tables the store's role reads, inserts and updates.</summary>
    public static IReadOnlyList<string> Tables { get; } = ["leads", "opportunities", "partners", "outbox", "partner_load", "forecast_snapshots", "forecast_snapshot_runs"];

    /// <summary>The tables the store's role also deletes from: a released quarantine entry, a deleted target.</summary>
    public static IReadOnlyList<string> DeletableTables { get; } = ["quarantine", "sales_targets"];

    /// <summary>The append-only tables: the store's role only reads and inserts (and no policy admits an update or delete).</summary>
    public static IReadOnlyList<string> AppendOnlyTables { get; } = ["routing_decisions", "field_history", "forecast_adjustments"];

    /// <summary>The tables the store's role only reads (rows are written by the owner's functions alone).</summary>
    public static IReadOnlyList<string> ReadOnlyTables { get; } = ["outbox_purged", "opportunity_feed", "opportunity_feed_commits", "opportunity_feed_trimmed"];

    public static int Latest => All.Max(m => m.Version);
}
