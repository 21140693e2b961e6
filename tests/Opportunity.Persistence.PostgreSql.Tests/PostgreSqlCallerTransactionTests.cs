using System.Data;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using NodaTime.Testing;
using Npgsql;
using Opportunity.Leads;
using Opportunity.Partners;
using Opportunity.Workflows;

namespace Opportunity.Persistence.PostgreSql.Tests;

/// <summary>
/// The application's data source and transaction on a real server, as the non-owner app role: the
/// store opens its connections from the app's <see cref="NpgsqlDataSource"/> (with its password
/// provider and type mappings), and workflow calls in a <see cref="StoreTransaction"/> scope commit
/// or roll back with the app's own rows. The port-level guarantees are in the conformance suite.
/// </summary>
public sealed class PostgreSqlCallerTransactionTests : IAsyncLifetime
{
    private static readonly TenantId Tenant = new("acme");
    private readonly FakeClock _clock = new(Instant.FromUtc(2025, 3, 4, 10, 0));
    private readonly string _schema = "tx_" + Guid.NewGuid().ToString("N")[..16];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (PostgresTestDatabase.Owner is not null)
        {
            await PostgresTestDatabase.ExecuteAsOwnerAsync($"DROP SCHEMA IF EXISTS {_schema} CASCADE;");
        }
    }

    /// <summary>
    /// <c>AddNpgsqlDataSource</c> with a connection string without password (a password provider
    /// supplies it, as token authentication does), the NodaTime type mappings and an application
    /// name; <c>UsePostgreSql(sp =&gt; …)</c> takes that data source: the store's connections are its
    /// connections (the server lists them under the application name) and the app's own mappings do not
    /// disturb the store. A capture in the app's transaction commits with the app's row.
    /// </summary>
    [PostgresFact(RequiresAppRole = true)]
    public async Task UsePostgreSql_DataSourceFromServices_StoreConnectsThroughItAndCommitsWithTheApp()
    {
        var application = "crm-" + Guid.NewGuid().ToString("N")[..12];
        var app = new NpgsqlConnectionStringBuilder(PostgresTestDatabase.App);
        var password = app.Password!;
        app.Password = null;
        var passwordRequests = 0;
        var services = new ServiceCollection().AddSingleton<IClock>(_clock);
        services.AddNpgsqlDataSource(app.ConnectionString, builder =>
        {
            builder.ConnectionStringBuilder.ApplicationName = application;
            builder.UseNodaTime();
            builder.UsePasswordProvider(_ => password, (_, _) =>
            {
                Interlocked.Increment(ref passwordRequests);
                return ValueTask.FromResult(password);
            });
        });
        services.AddOpportunityManagement()
            .UsePostgreSql(sp => sp.GetRequiredService<NpgsqlDataSource>())
            .UsePostgreSql(StoreOptions)
            .AddLeadDistribution();
        await using var provider = services.BuildServiceProvider();
        await provider.GetRequiredService<PostgreSqlStore>().MigrateAsync();
        await PostgresTestDatabase.CreateOwnTableAsync(_schema);

        var intake = provider.GetRequiredService<LeadIntakeService>();
        await intake.CaptureAsync(Tenant, new LeadId("L-1"), Details("Alpha GmbH"), "web");
        Assert.True(passwordRequests > 0);
        Assert.True(await CountBackendsAsync(application) > 0);

        var dataSource = provider.GetRequiredService<NpgsqlDataSource>();
        await using (var connection = await dataSource.OpenConnectionAsync())
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            await InsertOwnRowAsync(transaction, "crm-2");
            using (StoreTransaction.Enlist(transaction))
            {
                await intake.CaptureAsync(Tenant, new LeadId("L-2"), Details("Beta AG"), "web");
            }

            await transaction.CommitAsync();
        }

        var leads = provider.GetRequiredService<ILeadStore>();
        Assert.NotNull(await leads.FindAsync(AccessScope.Manufacturer(Tenant), new LeadId("L-2")));
        Assert.Equal(1L, await CountOwnRowsAsync("crm-2"));
    }

    /// <summary>The app's data source and a connection string (here its name, from configuration) at once are ambiguous: the start fails naming both.</summary>
    [Fact]
    public async Task UsePostgreSql_DataSourceAndConnectionStringName_FailsStartNamingBoth()
    {
        await using var dataSource = NpgsqlDataSource.Create("Host=localhost;Database=crm;Username=crm_app");
        var services = new ServiceCollection();
        services.AddOpportunityManagement().UsePostgreSql(dataSource).UsePostgreSql(o => o.ConnectionStringName = "Crm");
        await using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => provider.GetRequiredService<Microsoft.Extensions.Options.IOptions<PostgreSqlStoreOptions>>().Value);

        Assert.Contains($"{nameof(PostgreSqlStoreOptions.DataSource)} is set", ex.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(PostgreSqlStoreOptions.ConnectionStringName), ex.Message, StringComparison.Ordinal);
    }

    /// <summary>A data source the app passes as an instance stays the app's: disposing the container (and the store) leaves it usable.</summary>
    [PostgresFact(RequiresAppRole = true)]
    public async Task UsePostgreSql_DataSourceInstance_StaysOpenAfterTheContainerIsDisposed()
    {
        await using var dataSource = NpgsqlDataSource.Create(PostgresTestDatabase.App!);
        await using (var provider = Build(dataSource))
        {
            await provider.GetRequiredService<PostgreSqlStore>().MigrateAsync();
            await provider.GetRequiredService<LeadIntakeService>().CaptureAsync(Tenant, new LeadId("L-1"), Details("Alpha GmbH"), "web");
        }

        await using var connection = await dataSource.OpenConnectionAsync();
        Assert.Equal(1L, await ScalarAsync(connection, null, "SELECT 1::bigint"));
    }

    /// <summary>
    /// Two hosts (two containers, two data sources) over one database: host A captures and routes a lead
    /// in the app's transaction; until the commit host B sees nothing of it (lead, outbox), afterwards all.
    /// A rollback in host A leaves host B nothing, the partner's load counter included.
    /// </summary>
    [PostgresFact(RequiresAppRole = true)]
    public async Task StoreTransaction_TwoHosts_SecondHostSeesOnlyCommittedWork()
    {
        await using var dataSourceA = NpgsqlDataSource.Create(PostgresTestDatabase.App!);
        await using var dataSourceB = NpgsqlDataSource.Create(PostgresTestDatabase.App!);
        await using var hostA = Build(dataSourceA);
        await using var hostB = Build(dataSourceB);
        await hostA.GetRequiredService<PostgreSqlStore>().MigrateAsync();
        await hostA.GetRequiredService<IPartnerDirectory>().UpsertAsync(Partner("P-1"));
        var scope = AccessScope.Manufacturer(Tenant);
        var leadsB = hostB.GetRequiredService<ILeadStore>();
        var outboxB = hostB.GetRequiredService<IOutboxStore>();

        foreach (var commit in new[] { false, true })
        {
            var id = new LeadId(commit ? "L-commit" : "L-rollback");
            await using var connection = await dataSourceA.OpenConnectionAsync();
            await using var transaction = await connection.BeginTransactionAsync();
            using (StoreTransaction.Enlist(transaction))
            {
                var intake = hostA.GetRequiredService<LeadIntakeService>();
                await intake.CaptureAsync(Tenant, id, Details("Alpha GmbH " + id), "web");
                var decision = await intake.QualifyAsync(Tenant, id, LeadQualification.Full, "sales");
                Assert.Equal(new PartnerId("P-1"), Assert.Single(decision!.Partners));
            }

            Assert.Null(await leadsB.FindAsync(scope, id));
            Assert.DoesNotContain(await outboxB.ListPendingAsync(), m => m.Id.Contains(id.Value, StringComparison.Ordinal));
            Assert.DoesNotContain(await leadsB.ListPartnerLoadAsync(Tenant), c => c.OpenLeads > 0);

            await (commit ? transaction.CommitAsync() : transaction.RollbackAsync());

            Assert.Equal(commit, await leadsB.FindAsync(scope, id) is { State: LeadState.Assigned });
            Assert.Equal(commit, (await outboxB.ListPendingAsync()).Any(m => m.Id.Contains(id.Value, StringComparison.Ordinal)));
            Assert.Equal(commit ? 1 : 0, (await leadsB.ListPartnerLoadAsync(Tenant)).Sum(c => c.OpenLeads));
        }
    }

    /// <summary>
    /// The store scopes row-level security per call (transaction-local, inside its savepoint) and puts
    /// the caller's settings back: the app's own value of <c>opportunity.tenant</c> is there again after
    /// a store call, and nothing is left on the pooled connection after the commit.
    /// </summary>
    [PostgresFact(RequiresAppRole = true)]
    public async Task StoreTransaction_RowLevelSecuritySettings_AreTheCallersAgainAfterEachCall()
    {
        await using var dataSource = NpgsqlDataSource.Create(PostgresTestDatabase.App!);
        await using var provider = Build(dataSource);
        await provider.GetRequiredService<PostgreSqlStore>().MigrateAsync();
        await using var connection = await dataSource.OpenConnectionAsync();
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            await ScalarAsync(connection, transaction, "SELECT set_config('opportunity.tenant', 'the-apps-own', true)");
            using (StoreTransaction.Enlist(transaction))
            {
                await provider.GetRequiredService<LeadIntakeService>().CaptureAsync(Tenant, new LeadId("L-1"), Details("Alpha GmbH"), "web");
                Assert.NotNull(await provider.GetRequiredService<ILeadStore>().FindAsync(AccessScope.Manufacturer(Tenant), new LeadId("L-1")));
            }

            Assert.Equal("the-apps-own", await ScalarAsync(connection, transaction, "SELECT current_setting('opportunity.tenant', true)"));
            Assert.Equal(string.Empty, await ScalarAsync(connection, transaction, "SELECT current_setting('opportunity.partner', true)"));
            await transaction.CommitAsync();
        }

        Assert.True(await ScalarAsync(connection, null, "SELECT current_setting('opportunity.tenant', true)") is null or DBNull or "");
    }

    /// <summary>
    /// In a REPEATABLE READ transaction of the app, an update of a lead another host changed after the
    /// transaction's snapshot fails with the typed retry error (no retry inside the app's transaction), its
    /// savepoint undone: the transaction is usable, and the lead keeps the other host's version.
    /// </summary>
    [PostgresFact(RequiresAppRole = true)]
    public async Task UpdateAsync_RowChangedAfterRepeatableReadSnapshot_ThrowsTransactionRetryRequired()
    {
        await using var dataSource = NpgsqlDataSource.Create(PostgresTestDatabase.App!);
        await using var provider = Build(dataSource);
        await provider.GetRequiredService<PostgreSqlStore>().MigrateAsync();
        var leads = provider.GetRequiredService<ILeadStore>();
        var scope = AccessScope.Manufacturer(Tenant);
        await leads.AddAsync(Lead.Capture(Tenant, new LeadId("L-1"), Details("Alpha GmbH"), "web", _clock));

        await using var connection = await dataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead);
        Lead stale;
        using (StoreTransaction.Enlist(transaction))
        {
            stale = (await leads.FindAsync(scope, new LeadId("L-1")))!;
        }

        var other = (await leads.FindAsync(scope, new LeadId("L-1")))!;
        other.Qualify(LeadQualification.Full, "other-host", _clock);
        await leads.UpdateAsync(other);

        using (StoreTransaction.Enlist(transaction))
        {
            stale.Disqualify("spam", "this-host", _clock);
            var ex = await Assert.ThrowsAsync<TransactionRetryRequiredException>(() => leads.UpdateAsync(stale));
            Assert.Equal(OpportunityErrorCodes.TransactionRetryRequired, ex.ErrorCode);
            Assert.Equal(PostgresErrorCodes.SerializationFailure, Assert.IsType<PostgresException>(ex.InnerException).SqlState);
            Assert.Equal(1L, await ScalarAsync(connection, transaction, "SELECT 1::bigint"));
        }

        await transaction.RollbackAsync();
        Assert.Equal((LeadState.Qualified, 2L), await leads.FindAsync(scope, new LeadId("L-1")) is { } stored ? (stored.State, stored.Version) : default);
    }

    private void StoreOptions(PostgreSqlStoreOptions options)
    {
        options.Schema = _schema;
        options.MigrationConnectionString = PostgresTestDatabase.Owner;
        options.GrantTo.Add(new NpgsqlConnectionStringBuilder(PostgresTestDatabase.App).Username!);
    }

    private ServiceProvider Build(NpgsqlDataSource dataSource)
    {
        var services = new ServiceCollection().AddSingleton<IClock>(_clock);
        services.AddOpportunityManagement().UsePostgreSql(dataSource).UsePostgreSql(StoreOptions).AddLeadDistribution();
        return services.BuildServiceProvider();
    }

    private static Partner Partner(string id) => new(Tenant, new PartnerId(id), "Partner " + id, PartnerTier.Gold)
    {
        Territories = [new Territory(new CountryCode("DE"), ["80"])],
    };

    private static LeadDetails Details(string company) => new()
    {
        Source = "web",
        Company = company,
        Location = new LeadLocation(new CountryCode("DE"), "80331", "München"),
    };

    private static async Task<object?> ScalarAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        return await command.ExecuteScalarAsync();
    }

    private async Task InsertOwnRowAsync(NpgsqlTransaction transaction, string id)
    {
        await using var command = new NpgsqlCommand($"INSERT INTO {_schema}.{PostgresTestDatabase.OwnTable} (id) VALUES ($1)", transaction.Connection, transaction);
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        await command.ExecuteNonQueryAsync();
    }

    private async Task<long> CountOwnRowsAsync(string id)
    {
        await using var connection = await PostgresTestDatabase.OpenAppConnectionAsync();
        await using var command = new NpgsqlCommand($"SELECT count(*) FROM {_schema}.{PostgresTestDatabase.OwnTable} WHERE id = $1", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Server processes connected with <paramref name="application"/> as their application name, counted by the owner.</summary>
    private static async Task<long> CountBackendsAsync(string application)
    {
        await using var connection = new NpgsqlConnection(PostgresTestDatabase.Owner);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM pg_stat_activity WHERE application_name = $1", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = application });
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
