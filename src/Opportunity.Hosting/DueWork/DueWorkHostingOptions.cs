using NodaTime;

namespace Opportunity.Hosting;

/// <summary>
/// Settings of <see cref="DueWorkHostedService"/>: <see cref="BackgroundLoopOptions.Interval"/>
/// default 1 minute, <see cref="BackgroundLoopOptions.MaxIdleInterval"/> default 5 minutes. An
/// escalation step fires on the first pass at or after its due instant, so it may fire up to one
/// pause (plus the pass's length) late, never early.
/// </summary>
public sealed class DueWorkHostingOptions : BackgroundLoopOptions
{
    /// <summary>Creates the options with their defaults.</summary>
    public DueWorkHostingOptions()
        : base(Duration.FromMinutes(1), Duration.FromMinutes(5))
    {
    }
}
