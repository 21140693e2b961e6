using NodaTime;

namespace Opportunity.Hosting;

/// <summary>
/// Settings of <see cref="LivePipelineHostedService"/>: which tenants' live pipelines the host
/// keeps, how many changes it reads at a time, and its poll schedule
/// (<see cref="BackgroundLoopOptions.Interval"/> default 5 seconds,
/// <see cref="BackgroundLoopOptions.MaxIdleInterval"/> default 30 seconds). With a store that wakes
/// followers (<c>IChangeFeedSignal</c>: PostgreSQL's <c>LISTEN/NOTIFY</c>, SQLite's file watch) the
/// poll is only a fallback; a wake-up starts a pass at once.
/// </summary>
public sealed class LivePipelineHostingOptions : BackgroundLoopOptions
{
    /// <summary>The largest allowed <see cref="BatchSize"/>: 100,000.</summary>
    public const int MaxBatchSize = 100_000;

    /// <summary>Creates the options with their defaults.</summary>
    public LivePipelineHostingOptions()
        : base(Duration.FromSeconds(5), Duration.FromSeconds(30))
    {
    }

    /// <summary>The tenants whose live pipelines this host keeps (tenant ids); at least one.</summary>
    public IList<string> Tenants { get; } = [];

    /// <summary>How many changes one read of the feed returns at most; 1 to <see cref="MaxBatchSize"/>, default 10,000 (a catch-up after an import takes few round trips; the totals are locked only while a batch is applied, about 4 ms). A pass reads until the feed is drained.</summary>
    public int BatchSize { get; set; } = 10_000;
}
