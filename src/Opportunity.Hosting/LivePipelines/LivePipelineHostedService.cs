using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using NodaTime;
using Opportunity.Diagnostics;
using Opportunity.Forecasting;
using Opportunity.Persistence;
using Opportunity.Pipelines;

namespace Opportunity.Hosting;

/// <summary>
/// Keeps this host's live pipelines (<see cref="LivePipeline"/>, one per tenant of
/// <see cref="LivePipelineHostingOptions.Tenants"/>) equal to a recompute from the store, by
/// following the store's change feed (<see cref="IChangeFeed"/>): at start it takes the feed's head,
/// loads the tenant's open deals and remembers the head; then it reads the changes after its position
/// whenever the store wakes it (<see cref="IChangeFeedSignal"/>) or the poll interval passes, until the
/// feed is drained. Every host runs its own follower; none claims anything, so each sees every change
/// (unlike the outbox, whose claims are exclusive). A failed pass is logged and retried with the
/// idle back-off; a tenant whose load failed is loaded again. The totals are read through
/// <see cref="ILivePipelineProvider"/>. Registered by <c>AddLivePipelineFollower</c>.
/// </summary>
public sealed partial class LivePipelineHostedService : BackgroundService, ILivePipelineProvider
{
    /// <summary>The loop's name, passed to <see cref="IBackgroundDelay"/>: <c>live-pipeline</c>.</summary>
    public const string LoopName = "live-pipeline";

    private readonly IOpportunityStore _store;
    private readonly IChangeFeed _feed;
    private readonly PipelineCatalog _catalog;
    private readonly IBackgroundDelay _delay;
    private readonly IClock _clock;
    private readonly LivePipelineHostingOptions _options;
    private readonly ILogger<LivePipelineHostedService> _logger;
    private readonly Dictionary<TenantId, TenantState> _tenants;
    private readonly Counter<long> _applied;
    private readonly Histogram<double> _catchUp;
    private TaskCompletionSource _wake = NewSignal();

    /// <summary>
    /// Creates the service (normally resolved from DI, see <c>AddLivePipelineFollower</c>). <paramref name="feed"/> is the
    /// store's change feed (<see cref="StorePorts.ChangeFeed"/>); without it the opportunity store is used when it is one.
    /// </summary>
    /// <exception cref="InvalidOperationException">The store has no change feed (<see cref="IChangeFeed"/>).</exception>
    public LivePipelineHostedService(IOpportunityStore store, PipelineCatalog catalog, IBackgroundDelay delay, IClock clock, IOptions<LivePipelineHostingOptions> options, IMeterFactory? meterFactory = null, ILogger<LivePipelineHostedService>? logger = null, IChangeFeed? feed = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(delay);
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentNullException.ThrowIfNull(options);
        _clock = clock;
        _store = store;
        _feed = feed ?? store as IChangeFeed ?? throw new InvalidOperationException($"The opportunity store {store.GetType().Name} has no change feed (IChangeFeed); the live-pipeline follower needs one.");
        _catalog = catalog;
        _delay = delay;
        _options = options.Value;
        _logger = logger ?? NullLogger<LivePipelineHostedService>.Instance;
        _tenants = _options.Tenants.Select(t => new TenantId(t)).Distinct().ToDictionary(t => t, t => new TenantState(t));
        var meter = meterFactory?.Create(new MeterOptions(OpportunityTelemetry.MeterName)) ?? SharedMeter;
        _applied = meter.CreateCounter<long>("opportunity.live_pipeline.changes", "{change}", "Changes of the change feed applied to this host's live pipelines.");
        _catchUp = meter.CreateHistogram<double>("opportunity.live_pipeline.catch_up", "s", "From a wake-up (or poll) to this host's live pipelines reflecting every change committed before it: the lag of the totals behind the store.");
    }

    private static Meter SharedMeter { get; } = new(OpportunityTelemetry.MeterName);

    /// <inheritdoc />
    public PipelineTotals? Totals(TenantId tenant, PipelineGrouping grouping)
    {
        var state = State(tenant);
        lock (state)
        {
            return state.Live?.Totals(grouping);
        }
    }

    /// <inheritdoc />
    public ChangeFeedPosition? Position(TenantId tenant)
    {
        var state = State(tenant);
        lock (state)
        {
            return state.Live is null ? null : state.Position;
        }
    }

    /// <inheritdoc />
    public async Task WaitForPositionAsync(TenantId tenant, ChangeFeedPosition position, CancellationToken cancellationToken = default)
    {
        var state = State(tenant);
        while (true)
        {
            Task advanced;
            lock (state)
            {
                if (state.Live is not null && state.Position >= position)
                {
                    return;
                }

                advanced = state.Advanced.Task;
            }

            await advanced.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>One pass: loads tenants not loaded yet, then reads every tenant's feed until drained. Returns how many changes it applied, or null when a tenant failed (logged).</summary>
    public async Task<int?> RunOnceAsync(CancellationToken cancellationToken = default)
    {
        var started = Stopwatch.GetTimestamp();
        var applied = 0;
        var failed = false;
        foreach (var state in _tenants.Values)
        {
            try
            {
                applied += await FollowAsync(state, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                LogPassFailed(ex, state.Tenant.Value);
                failed = true;
            }
        }

        _catchUp.Record(Stopwatch.GetElapsedTime(started).TotalSeconds);
        return failed ? null : applied;
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        IAsyncDisposable? subscription = null;
        try
        {
            if (_feed is IChangeFeedSignal signal)
            {
                subscription = await signal.SubscribeAsync(OnChanged, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            // Without wake-ups the poll still keeps the totals current, only later.
            LogSubscribeFailed(ex);
        }

        try
        {
            var idlePause = _options.Interval;
            while (!stoppingToken.IsCancellationRequested)
            {
                // A wake-up during the pass completes the new signal, so the next wait returns at once.
                Interlocked.Exchange(ref _wake, NewSignal());
                Duration pause;
                if (await RunOnceAsync(stoppingToken).ConfigureAwait(false) is > 0)
                {
                    pause = idlePause = _options.Interval;
                }
                else
                {
                    pause = idlePause;
                    idlePause = _options.NextIdlePause(idlePause);
                }

                using var waitEnds = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                var delay = _delay.DelayAsync(LoopName, pause, waitEnds.Token);
                await Task.WhenAny(Volatile.Read(ref _wake).Task, delay).ConfigureAwait(false);
                await waitEnds.CancelAsync().ConfigureAwait(false);
                stoppingToken.ThrowIfCancellationRequested();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The host is stopping.
        }
        finally
        {
            if (subscription is not null)
            {
                await subscription.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private void OnChanged(TenantId? tenant)
    {
        if (tenant is null || _tenants.ContainsKey(tenant.Value))
        {
            Volatile.Read(ref _wake).TrySetResult();
        }
    }

    private TenantState State(TenantId tenant) =>
        _tenants.TryGetValue(tenant, out var state) ? state : throw new ArgumentException($"Tenant '{tenant}' is not followed by this host; add it to LivePipelineHostingOptions.Tenants.", nameof(tenant));

    private async Task<int> FollowAsync(TenantState state, CancellationToken cancellationToken)
    {
        if (state.Live is null)
        {
            await LoadAsync(state, cancellationToken).ConfigureAwait(false);
        }

        var applied = 0;
        while (true)
        {
            var batch = await _feed.ReadChangesAsync(state.Tenant, state.Position, _options.BatchSize, cancellationToken).ConfigureAwait(false);
            if (batch.ResyncRequired)
            {
                // Entries after this host's position were trimmed (it was down for longer than the
                // retention): what it holds may miss changes, so it loads the tenant again.
                LogResync(state.Tenant.Value, state.Position.ToString());
                await LoadAsync(state, cancellationToken).ConfigureAwait(false);
                continue;
            }

            lock (state)
            {
                foreach (var change in batch.Changes)
                {
                    state.Live!.Apply(change);
                }

                state.MoveTo(batch.Next);
            }

            applied += batch.Changes.Count;
            if (batch.Changes.Count > 0)
            {
                _applied.Add(batch.Changes.Count);
            }

            if (batch.Changes.Count < _options.BatchSize)
            {
                await TrimAsync(state, cancellationToken).ConfigureAwait(false);
                return applied;
            }
        }
    }

    /// <summary>
    /// Retention (<see cref="LivePipelineHostingOptions.FeedRetention"/>): remembers where this host
    /// stood at each drained pass, and trims the feed up to the newest such position that is older
    /// than the retention — changes every follower read long ago.
    /// </summary>
    private async Task TrimAsync(TenantState state, CancellationToken cancellationToken)
    {
        if (_options.FeedRetention is not { } retention)
        {
            return;
        }

        var now = _clock.GetCurrentInstant();
        ChangeFeedPosition? trimTo = null;
        lock (state)
        {
            // A mark per 1/64 of the retention at most: a few dozen per tenant, however often passes run.
            if (state.Marks.Count == 0 || (state.Marks[^1].Position != state.Position && state.Marks[^1].At <= now - (retention / 64)))
            {
                state.Marks.Add((now, state.Position));
            }

            while (state.Marks.Count > 0 && state.Marks[0].At <= now - retention)
            {
                trimTo = state.Marks[0].Position;
                state.Marks.RemoveAt(0);
            }
        }

        if (trimTo is { } position && position > state.TrimmedTo)
        {
            var removed = await _feed.TrimAsync(state.Tenant, position, cancellationToken).ConfigureAwait(false);
            state.TrimmedTo = position;
            LogTrimmed(state.Tenant.Value, removed, position.ToString());
        }
    }

    private async Task LoadAsync(TenantState state, CancellationToken cancellationToken)
    {
        // The head first: every change up to it is in what the load reads, and every later one is
        // read after it. A change both loaded and read again is skipped by its version.
        var head = await _feed.ReadHeadAsync(state.Tenant, cancellationToken).ConfigureAwait(false);
        var live = new LivePipeline(state.Tenant, _catalog);
        await foreach (var opportunity in _store.QueryAsync(AccessScope.Manufacturer(state.Tenant), new OpportunityQuery { IsOpen = true }, cancellationToken).ConfigureAwait(false))
        {
            live.Upsert(opportunity);
        }

        lock (state)
        {
            state.Live = live;
            state.MoveTo(head);
        }

        LogLoaded(state.Tenant.Value, live.Count, head.ToString());
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Live pipeline of tenant {Tenant} loaded: {Deals} deals, following the change feed after {Position}.")]
    private partial void LogLoaded(string tenant, int deals, string position);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The change feed of tenant {Tenant} was trimmed after this host's position {Position}; loading the tenant again.")]
    private partial void LogResync(string tenant, string position);

    [LoggerMessage(Level = LogLevel.Information, Message = "Trimmed {Removed} change feed entries of tenant {Tenant} up to {Position}.")]
    private partial void LogTrimmed(string tenant, int removed, string position);

    [LoggerMessage(Level = LogLevel.Error, Message = "Following the change feed of tenant {Tenant} failed; the next pass retries.")]
    private partial void LogPassFailed(Exception exception, string tenant);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The store's change feed wake-up could not be subscribed; the live pipelines follow on the poll interval only.")]
    private partial void LogSubscribeFailed(Exception exception);

    /// <summary>One tenant's live pipeline and position; locked while read or changed.</summary>
    private sealed class TenantState(TenantId tenant)
    {
        public TenantId Tenant { get; } = tenant;

        public LivePipeline? Live { get; set; }

        public ChangeFeedPosition Position { get; private set; }

        /// <summary>Where this host stood after drained passes, oldest first (<see cref="LivePipelineHostingOptions.FeedRetention"/>).</summary>
        public List<(Instant At, ChangeFeedPosition Position)> Marks { get; } = [];

        /// <summary>The position this host last trimmed up to; only the follower's loop changes it.</summary>
        public ChangeFeedPosition TrimmedTo { get; set; }

        /// <summary>Completed (and replaced) whenever <see cref="Position"/> moves.</summary>
        public TaskCompletionSource Advanced { get; private set; } = NewSignal();

        public void MoveTo(ChangeFeedPosition position)
        {
            Position = position;
            var advanced = Advanced;
            Advanced = NewSignal();
            advanced.SetResult();
        }
    }
}
