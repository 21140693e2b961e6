using System.Data.Common;
using Opportunity.Leads;
using Opportunity.Persistence;
using Opportunity.Pipelines;
using Xunit;
using static Opportunity.Testing.Conformance.ConformanceData;

namespace Opportunity.Testing.Conformance;

/// <summary>
/// The caller's transaction (<see cref="StoreTransaction"/>): store calls in the scope write the
/// library's rows and outbox messages in the application's transaction, next to the application's
/// own rows, and commit or roll back with them. Runs when the adapter gives <see cref="StoreUnderTest.Caller"/>.
/// </summary>
public abstract partial class StoreConformanceTests
{
    /// <summary>The application's row, the lead, its outbox messages and the partner's load counter all appear at the application's commit.</summary>
    [ConformanceFact]
    public async Task StoreTransaction_CallerCommits_OwnRowLeadAndOutboxCommitTogether()
    {
        if (Store.Caller is not { } caller)
        {
            return;
        }

        await Store.Partners.UpsertAsync(NewPartner(TenantA, P1) with { Capacity = 5 });
        await using (var connection = await caller.OpenConnection())
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            await InsertOwnRowAsync(caller, transaction, "crm-1");
            using (StoreTransaction.Enlist(transaction))
            {
                await Store.Leads.AddAsync(AssignedLead(TenantA, "lead-1", P1, Clock));
            }

            await transaction.CommitAsync();
        }

        Assert.True(await OwnRowExistsAsync(caller, "crm-1"));
        Assert.Equal(LeadState.Assigned, (await Store.Leads.FindAsync(AccessScope.Manufacturer(TenantA), new LeadId("lead-1")))!.State);
        Assert.Equal(["LeadCaptured", "LeadQualified", "LeadAssigned"], (await Store.Outbox.ListPendingAsync()).Select(m => m.Type));
        await AssertLoadMatchesLeadsAsync(TenantA, (P1, 1));
    }

    /// <summary>Rolled back, nothing of either stays: no application row, no lead, no outbox message, no change of the partner's load counter.</summary>
    [ConformanceFact]
    public async Task StoreTransaction_CallerRollsBack_LeavesNothingOfEither()
    {
        if (Store.Caller is not { } caller)
        {
            return;
        }

        await Store.Partners.UpsertAsync(NewPartner(TenantA, P1) with { Capacity = 5 });
        await Store.Leads.AddAsync(AssignedLead(TenantA, "before", P1, Clock));
        var pending = (await Store.Outbox.ListPendingAsync()).Select(m => m.Id).ToList();
        await using (var connection = await caller.OpenConnection())
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            await InsertOwnRowAsync(caller, transaction, "crm-1");
            using (StoreTransaction.Enlist(transaction))
            {
                await Store.Leads.AddAsync(AssignedLead(TenantA, "lead-1", P1, Clock));
                await Store.Outbox.EnqueueAsync([Message("m-1", TenantA, Clock.GetCurrentInstant())]);
            }

            await transaction.RollbackAsync();
        }

        Assert.False(await OwnRowExistsAsync(caller, "crm-1"));
        Assert.Null(await Store.Leads.FindAsync(AccessScope.Manufacturer(TenantA), new LeadId("lead-1")));
        Assert.Equal(pending, (await Store.Outbox.ListPendingAsync()).Select(m => m.Id));
        await AssertLoadMatchesLeadsAsync(TenantA, (P1, 1));
    }

    /// <summary>
    /// In the scope the store reads the transaction's own uncommitted rows (the application's write and
    /// its own); outside it — the same instance after the scope, another host — nothing uncommitted is seen.
    /// </summary>
    [ConformanceFact]
    public async Task StoreTransaction_InScope_SeesCallersUncommittedRowsAndOtherHostsDoNot()
    {
        if (Store.Caller is not { } caller)
        {
            return;
        }

        await Store.Partners.UpsertAsync(NewPartner(TenantA, P1));
        var hosts = await OpenHostsAsync(2);
        try
        {
            var scope = AccessScope.Manufacturer(TenantA);
            await using var connection = await caller.OpenConnection();
            await using var transaction = await connection.BeginTransactionAsync();
            using (StoreTransaction.Enlist(transaction))
            {
                await Store.Leads.AddAsync(NewLead(TenantA, "lead-1", Clock));
                Assert.NotNull(await Store.Leads.FindAsync(scope, new LeadId("lead-1")));
                Assert.Equal(["lead-1"], (await ToListAsync(Store.Leads.QueryAsync(scope, LeadQuery.All))).Select(l => l.Id.Value));
                Assert.Equal(["LeadCaptured"], (await Store.Outbox.ListPendingAsync()).Select(m => m.Type));
            }

            Assert.Null(await Store.Leads.FindAsync(scope, new LeadId("lead-1")));
            Assert.Null(await hosts[^1].Leads.FindAsync(scope, new LeadId("lead-1")));
            Assert.Empty(await hosts[^1].Outbox.ListPendingAsync());

            await transaction.CommitAsync();

            Assert.NotNull(await hosts[^1].Leads.FindAsync(scope, new LeadId("lead-1")));
        }
        finally
        {
            await CloseHostsAsync(hosts);
        }
    }

    /// <summary>
    /// A store call the database refuses (a partner at capacity: the row is refused by the database's own
    /// check) is undone alone: the caller's transaction stays usable, and its commit keeps the caller's
    /// row and the store's other calls.
    /// </summary>
    [ConformanceFact]
    public async Task StoreTransaction_RefusedCallInScope_IsUndoneAloneAndTheCallerCommitsTheRest()
    {
        if (Store.Caller is not { } caller)
        {
            return;
        }

        await Store.Partners.UpsertAsync(NewPartner(TenantA, P1) with { Capacity = 1 });
        await Store.Leads.AddAsync(AssignedLead(TenantA, "held", P1, Clock));
        await using (var connection = await caller.OpenConnection())
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            using (StoreTransaction.Enlist(transaction))
            {
                await Assert.ThrowsAsync<PartnerAtCapacityException>(() => Store.Leads.AddAsync(AssignedLead(TenantA, "refused", P1, Clock)));
                await Store.Leads.AddAsync(NewLead(TenantA, "kept", Clock));
            }

            await InsertOwnRowAsync(caller, transaction, "crm-1");
            await transaction.CommitAsync();
        }

        var scope = AccessScope.Manufacturer(TenantA);
        Assert.True(await OwnRowExistsAsync(caller, "crm-1"));
        Assert.Null(await Store.Leads.FindAsync(scope, new LeadId("refused")));
        Assert.NotNull(await Store.Leads.FindAsync(scope, new LeadId("kept")));
        Assert.DoesNotContain(await Store.Outbox.ListPendingAsync(), m => m.Id.StartsWith("Lead/refused/", StringComparison.Ordinal));
        await AssertLoadMatchesLeadsAsync(TenantA, (P1, 1));
    }

    /// <summary>A conversion in the caller's transaction is undone by its rollback: no opportunity, the lead still Accepted, nothing published.</summary>
    [ConformanceFact]
    public async Task StoreTransaction_ConvertThenRollBack_LeavesTheLeadAccepted()
    {
        if (Store.Caller is not { } caller || Store.Conversions is not { } conversions)
        {
            return;
        }

        var lead = await StoreAcceptedLeadAsync(TenantA, "lead-1");
        var pending = (await Store.Outbox.ListPendingAsync()).Count;
        await using (var connection = await caller.OpenConnection())
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            using (StoreTransaction.Enlist(transaction))
            {
                var opportunity = await conversions.ConvertAsync(lead, ConvertInMemory(lead, "opp-1"));
                Assert.Equal(opportunity.Id, (await conversions.FindConvertedFromAsync(TenantA, lead.Id))!.Id);
            }

            await transaction.RollbackAsync();
        }

        var scope = AccessScope.Manufacturer(TenantA);
        Assert.Equal(LeadState.Accepted, (await Store.Leads.FindAsync(scope, lead.Id))!.State);
        Assert.Null(await conversions.FindConvertedFromAsync(TenantA, lead.Id));
        Assert.Equal(pending, (await Store.Outbox.ListPendingAsync()).Count);
    }

    /// <summary>
    /// An import in the scope (the adapters' bulk paths: COPY, prepared native statements) runs on the
    /// caller's connection: a refused batch is undone alone while the caller's row commits; a valid
    /// batch is undone by the caller's rollback.
    /// </summary>
    [ConformanceFact]
    public async Task StoreTransaction_ImportInScope_CommitsOrRefusesWithTheCaller()
    {
        if (Store.Caller is not { } caller || Store.Importer is not { } importer)
        {
            return;
        }

        Assert.Empty(await Store.Outbox.ListPendingAsync());
        var (partners, opportunities) = ImportBatchOf(30);
        var refused = Batch(partners, opportunities) with { Opportunities = opportunities.Select(o => o.Id.Value == "imp-0007" ? o.ToSnapshot() with { Stage = "Demo" } : o.ToSnapshot()) };
        await using (var connection = await caller.OpenConnection())
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            using (StoreTransaction.Enlist(transaction))
            {
                Assert.False((await importer.ImportAsync(refused)).IsValid);
            }

            await InsertOwnRowAsync(caller, transaction, "crm-1");
            await transaction.CommitAsync();
        }

        Assert.True(await OwnRowExistsAsync(caller, "crm-1"));
        await AssertNothingImportedAsync(partners);

        await using (var connection = await caller.OpenConnection())
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            using (StoreTransaction.Enlist(transaction))
            {
                Assert.Equal(30, (await importer.ImportAsync(Batch(partners, opportunities))).Value);
                Assert.Equal(30, (await ToListAsync(Store.Opportunities.QueryAsync(AccessScope.Manufacturer(TenantA), OpportunityQuery.All))).Count);
            }

            await transaction.RollbackAsync();
        }

        await AssertNothingImportedAsync(partners);
    }

    /// <summary>Two imports in one transaction of the app (e.g. a file imported in parts) both commit with it.</summary>
    [Fact]
    public async Task StoreTransaction_TwoImportsInScope_BothCommitWithTheCaller()
    {
        if (Store.Caller is not { } caller || Store.Importer is not { } importer)
        {
            return;
        }

        Assert.Empty(await Store.Outbox.ListPendingAsync()); // a store call before enlisting migrates a new file
        var (partners, opportunities) = ImportBatchOf(30);
        await using (var connection = await caller.OpenConnection())
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            using (StoreTransaction.Enlist(transaction))
            {
                Assert.Equal(20, (await importer.ImportAsync(Batch(partners, [.. opportunities.Take(20)]))).Value);
                Assert.Equal(10, (await importer.ImportAsync(Batch([], [.. opportunities.Skip(20)]))).Value);
            }

            await transaction.CommitAsync();
        }

        Assert.Equal(30, (await ToListAsync(Store.Opportunities.QueryAsync(AccessScope.Manufacturer(TenantA), OpportunityQuery.All))).Count);
        Assert.Equal(opportunities.Sum(o => o.PendingEvents.Count), (await Store.Outbox.ListPendingAsync()).Count);
    }

    /// <summary>A scope whose transaction completed refuses store calls instead of writing outside it; after the scope the store works on its own again.</summary>
    [ConformanceFact]
    public async Task StoreTransaction_CompletedTransaction_RefusesStoreCalls()
    {
        if (Store.Caller is not { } caller)
        {
            return;
        }

        await Store.Partners.UpsertAsync(NewPartner(TenantA, P1));
        await using var connection = await caller.OpenConnection();
        await using var transaction = await connection.BeginTransactionAsync();
        using var scope = StoreTransaction.Enlist(transaction);
        await transaction.CommitAsync();

        await Assert.ThrowsAsync<InvalidOperationException>(() => Store.Leads.AddAsync(NewLead(TenantA, "lead-1", Clock)));
        scope.Dispose();
        Assert.Null(await Store.Leads.FindAsync(AccessScope.Manufacturer(TenantA), new LeadId("lead-1")));
        await Store.Leads.AddAsync(NewLead(TenantA, "lead-1", Clock));
        Assert.NotNull(await Store.Leads.FindAsync(AccessScope.Manufacturer(TenantA), new LeadId("lead-1")));
    }

    private static async Task InsertOwnRowAsync(CallerDatabase caller, DbTransaction transaction, string id)
    {
        using var command = transaction.Connection!.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"INSERT INTO {caller.OwnTable} (id) VALUES (@id)";
        var parameter = command.CreateParameter();
        parameter.ParameterName = "@id";
        parameter.Value = id;
        command.Parameters.Add(parameter);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Whether the application's row is committed, read on a new connection.</summary>
    private static async Task<bool> OwnRowExistsAsync(CallerDatabase caller, string id)
    {
        await using var connection = await caller.OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT count(*) FROM {caller.OwnTable} WHERE id = @id";
        var parameter = command.CreateParameter();
        parameter.ParameterName = "@id";
        parameter.Value = id;
        command.Parameters.Add(parameter);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture) == 1;
    }
}
