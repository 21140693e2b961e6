using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NodaTime;
using Opportunity.Leads;
using Opportunity.Persistence;
using Opportunity.Persistence.InMemory;
using static Opportunity.Hosting.Tests.HostingFixture;

namespace Opportunity.Hosting.Tests.DueWork;

public sealed class DueWorkHostedServiceTests
{
    [Fact]
    public async Task ExecuteAsync_RunsAtStartThenAfterEachInterval_WithNowFromTheInjectedClock()
    {
        using var f = new HostingFixture(o => o.Interval = Duration.FromMinutes(5));
        await f.AssignLeadAsync();
        var service = f.Service;

        await service.StartAsync(CancellationToken.None);
        Assert.Equal(Duration.FromMinutes(5), await f.Delay.WaitRequestedAsync()); // first run at 10:00: nothing due
        Assert.Empty(await f.RemindersAsync());

        f.Clock.Reset(ReminderDue - Duration.Epsilon);
        f.Delay.Elapse();
        await f.Delay.WaitRequestedAsync();
        Assert.Empty(await f.RemindersAsync());

        f.Clock.Reset(ReminderDue + Duration.FromMinutes(3));
        f.Delay.Elapse();
        await f.Delay.WaitRequestedAsync();
        var reminder = Assert.Single(await f.RemindersAsync());
        Assert.Equal(ReminderDue + Duration.FromMinutes(3), reminder.OccurredAt);

        f.Delay.Elapse();
        await f.Delay.WaitRequestedAsync();
        Assert.Single(await f.RemindersAsync()); // the next run finds nothing new
        Assert.Equal(4, f.Delay.Waits);
        await service.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task ExecuteAsync_RunOnStartOff_WaitsOneIntervalFirst()
    {
        using var f = new HostingFixture(o => o.RunOnStart = false);
        await f.AssignLeadAsync();
        f.Clock.Reset(ReminderDue);

        await f.Service.StartAsync(CancellationToken.None);
        Assert.Equal(Duration.FromMinutes(1), await f.Delay.WaitRequestedAsync());
        Assert.Empty(await f.RemindersAsync());

        f.Delay.Elapse();
        await f.Delay.WaitRequestedAsync();
        Assert.Single(await f.RemindersAsync());
        await f.Service.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task ExecuteAsync_RunFails_LogsAndRetriesOnTheNextRun()
    {
        var logger = new ListLogger<DueWorkHostedService>();
        using var f = new HostingFixture(before: services =>
        {
            services.AddSingleton<ILogger<DueWorkHostedService>>(logger);
            services.AddSingleton<ILeadStore>(sp => new FailingOnceLeadStore(sp.GetRequiredService<InMemoryStore>()));
        });
        await f.AssignLeadAsync();
        f.Clock.Reset(ReminderDue);

        await f.Service.StartAsync(CancellationToken.None);
        await f.Delay.WaitRequestedAsync();
        var error = Assert.Single(logger.Entries);
        Assert.Equal(LogLevel.Error, error.Level);
        Assert.IsType<TimeoutException>(error.Exception);
        Assert.Empty(await f.RemindersAsync());

        f.Delay.Elapse();
        await f.Delay.WaitRequestedAsync();
        Assert.Single(await f.RemindersAsync());
        Assert.Equal(LogLevel.Information, logger.Entries[^1].Level);
        await f.Service.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task StopAsync_WhileWaiting_EndsTheLoopWithoutError()
    {
        using var f = new HostingFixture();
        var service = f.Service;
        await service.StartAsync(CancellationToken.None);
        await f.Delay.WaitRequestedAsync();

        await service.StopAsync(CancellationToken.None);

        Assert.True(service.ExecuteTask!.IsCompletedSuccessfully);
        Assert.Equal(1, f.Delay.Waits);
    }

    [Fact]
    public async Task RunOnceAsync_NothingDue_ReturnsAnEmptyReport()
    {
        using var f = new HostingFixture();
        await f.AssignLeadAsync();

        var report = await f.Service.RunOnceAsync();

        Assert.NotNull(report);
        Assert.Equal(0, report.Processed);
    }

    /// <summary>Throws from the first due-work claim, as a database that is briefly unreachable would.</summary>
    private sealed class FailingOnceLeadStore(ILeadStore inner) : ILeadStore
    {
        private int _claims;

        public Task<Lead?> FindAsync(AccessScope scope, LeadId id, CancellationToken cancellationToken = default) => inner.FindAsync(scope, id, cancellationToken);

        public IAsyncEnumerable<Lead> QueryAsync(AccessScope scope, LeadQuery query, CancellationToken cancellationToken = default) => inner.QueryAsync(scope, query, cancellationToken);

        public Task AddAsync(Lead lead, CancellationToken cancellationToken = default) => inner.AddAsync(lead, cancellationToken);

        public Task UpdateAsync(Lead lead, CancellationToken cancellationToken = default) => inner.UpdateAsync(lead, cancellationToken);

        public Task<IReadOnlyList<Lead>> ClaimDueAsync(DueWorkClaim claim, CancellationToken cancellationToken = default) =>
            Interlocked.Increment(ref _claims) == 1 ? throw new TimeoutException("database unreachable") : inner.ClaimDueAsync(claim, cancellationToken);
    }
}
