namespace Opportunity.Persistence.PostgreSql.Schema;

/// <summary>
/// The schema as numbered migrations, applied in order under an advisory lock and recorded in
/// <c>schema_migrations</c>; <c>{s}</c> stands for the configured schema. Aggregates are JSON
/// documents beside the columns that are indexed, filtered or aggregated. Keys use the "C"
/// collation (code-point order, as every adapter orders ids). Row-level security is enabled and
/// forced on every table: a row is visible only when the transaction-local setting
/// <c>opportunity.tenant</c> names its tenant (and, for partner reads,
/// <c>opportunity.partner</c> its partner), or <c>opportunity.system</c> is <c>on</c> (claims and
/// outbox dispatch, which work across tenants). Never edit a shipped migration: add the next one.
/// </summary>
internal static class PostgreSqlMigrations
{
    private const string System = "current_setting('opportunity.system', true) = 'on'";
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
                USING ({{System}} OR ({{Tenant}} AND ({{NoPartner}}
                    OR (assigned_partner = {{Partner}} AND state IN ('Assigned', 'Accepted', 'Converted')))))
                WITH CHECK ({{System}} OR ({{Tenant}} AND {{NoPartner}}));

            ALTER TABLE {s}.opportunities ENABLE ROW LEVEL SECURITY;
            ALTER TABLE {s}.opportunities FORCE ROW LEVEL SECURITY;
            CREATE POLICY opportunities_scope ON {s}.opportunities
                USING ({{System}} OR ({{Tenant}} AND ({{NoPartner}} OR partner = {{Partner}})))
                WITH CHECK ({{System}} OR ({{Tenant}} AND {{NoPartner}}));

            ALTER TABLE {s}.partners ENABLE ROW LEVEL SECURITY;
            ALTER TABLE {s}.partners FORCE ROW LEVEL SECURITY;
            CREATE POLICY partners_scope ON {s}.partners
                USING ({{System}} OR {{Tenant}})
                WITH CHECK ({{System}} OR ({{Tenant}} AND {{NoPartner}}));

            ALTER TABLE {s}.outbox ENABLE ROW LEVEL SECURITY;
            ALTER TABLE {s}.outbox FORCE ROW LEVEL SECURITY;
            CREATE POLICY outbox_scope ON {s}.outbox
                USING ({{System}} OR ({{Tenant}} AND {{NoPartner}}))
                WITH CHECK ({{System}} OR ({{Tenant}} AND {{NoPartner}}));
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
                USING ({{System}} OR ({{Tenant}} AND {{NoPartner}}));
            CREATE POLICY routing_decisions_append ON {s}.routing_decisions FOR INSERT
                WITH CHECK ({{System}} OR ({{Tenant}} AND {{NoPartner}}));
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
                USING ({{System}} OR {{Tenant}})
                WITH CHECK ({{System}} OR ({{Tenant}} AND {{NoPartner}}));

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
                USING ({{System}} OR {{Tenant}})
                WITH CHECK ({{System}} OR ({{Tenant}} AND {{NoPartner}}));

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
            """),
    ];

    /// <summary>The lead states that count toward a partner's capacity (<c>StoredValues.CountsTowardCapacity</c>).</summary>
    private const string OpenStates = "('Assigned', 'Accepted')";

    /// <summary>The message of the trigger's exception when a partner is full.</summary>
    public const string AtCapacityMessage = "opportunity: partner at capacity";

    /// <summary>The SQLSTATE of that exception; its message is <c>{AtCapacityMessage}|open|capacity|partner</c> (the message, unlike the detail, is never redacted).</summary>
    public const string AtCapacitySqlState = "OP001";

    /// <summary>The migration adding the partner load counters (filled from the stored leads) and the quarantine table.</summary>
    public const int CapacityAndQuarantineVersion = 5;

    /// <summary>
    /// The migration adding the duplicate-key columns of leads (covered by the existing
    /// <c>leads_scope</c> policy and table grants); after its SQL the store fills them for the
    /// leads already stored (the keys are computed in .NET, <c>DuplicateKeys.Normalised</c>).
    /// </summary>
    public const int DuplicateKeysVersion = 3;

    /// <summary>The tables the store's role reads, inserts and updates.</summary>
    public static IReadOnlyList<string> Tables { get; } = ["leads", "opportunities", "partners", "outbox", "partner_load"];

    /// <summary>The tables the store's role also deletes from: a released quarantine entry is removed.</summary>
    public static IReadOnlyList<string> DeletableTables { get; } = ["quarantine"];

    /// <summary>The append-only tables: the store's role only reads and inserts (and no policy admits an update or delete).</summary>
    public static IReadOnlyList<string> AppendOnlyTables { get; } = ["routing_decisions"];

    public static int Latest => All.Max(m => m.Version);
}
