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
        (StorageGrowthVersion, "compact routing decisions, outbox retention", $$"""
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
                USING ({{System}} OR ({{Tenant}} AND {{NoPartner}}));
            CREATE POLICY outbox_purged_append ON {s}.outbox_purged FOR INSERT
                WITH CHECK ({{System}} OR ({{Tenant}} AND {{NoPartner}}));
            """),
    ];

    /// <summary>
    /// The migration adding the duplicate-key columns of leads (covered by the existing
    /// <c>leads_scope</c> policy and table grants); after its SQL the store fills them for the
    /// leads already stored (the keys are computed in .NET, <c>DuplicateKeys.Normalised</c>).
    /// </summary>
    public const int DuplicateKeysVersion = 3;

    /// <summary>
    /// The migration for storage growth: <c>routing_decisions.summary</c> (the compact decision; old
    /// rows keep their full text and no summary), an index of delivered outbox rows by delivery time
    /// for the purge, and <c>outbox_purged</c> (append-only, like the decisions), the 16-byte id
    /// hashes of purged messages that keep de-duplicating them. The store's roles also get
    /// <c>DELETE</c> on <c>outbox</c>, for the purge.
    /// </summary>
    public const int StorageGrowthVersion = 7;

    /// <summary>The tables the store's role reads, inserts and updates.</summary>
    public static IReadOnlyList<string> Tables { get; } = ["leads", "opportunities", "partners", "outbox"];

    /// <summary>The append-only tables: the store's role only reads and inserts (and no policy admits an update or delete).</summary>
    public static IReadOnlyList<string> AppendOnlyTables { get; } = ["routing_decisions", "outbox_purged"];

    /// <summary>The tables the store's role also deletes from: the outbox, whose delivered rows are purged.</summary>
    public static IReadOnlyList<string> PurgedTables { get; } = ["outbox"];

    public static int Latest => All[^1].Version;
}
