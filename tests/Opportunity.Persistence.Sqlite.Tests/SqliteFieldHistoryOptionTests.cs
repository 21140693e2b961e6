using NodaTime;
using NodaTime.Testing;
using Opportunity.Leads;

namespace Opportunity.Persistence.Sqlite.Tests;

/// <summary>
/// The field history is opt-in (<see cref="SqliteStoreOptions.RecordFieldHistory"/>): off, a save
/// writes no history row; on, the same save writes its changes.
/// </summary>
public sealed class SqliteFieldHistoryOptionTests : IDisposable
{
    private static readonly TenantId Tenant = new("acme");
    private readonly TempDatabase _database = new();
    private readonly FakeClock _clock = new(Instant.FromUtc(2026, 7, 1, 9, 0));

    [Theory]
    [InlineData(false, 0)]
    [InlineData(true, 2)]
    public async Task AddAndUpdate_RecordFieldHistoryOption_WritesHistoryOnlyWhenOn(bool record, int expectedChanges)
    {
        using var store = new SqliteStore(new SqliteStoreOptions { DatabasePath = _database.Path, RecordFieldHistory = record });
        var lead = Lead.Capture(Tenant, new LeadId("l-1"), new LeadDetails { Source = "web", Company = "ACME Heizung GmbH" }, "system", _clock);
        await store.Leads.AddAsync(lead);
        lead.Qualify(LeadQualification.Full, "alice", _clock);
        await store.Leads.UpdateAsync(lead);

        var page = await store.FieldHistory.ReadHistoryAsync(Tenant, AuditedRecord.Of(lead.Id));

        Assert.Equal(expectedChanges, page.Changes.Count);
    }

    public void Dispose() => _database.Dispose();
}
