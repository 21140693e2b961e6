using System.Collections.Concurrent;
using NodaTime;

namespace Opportunity.Hosting.Tests;

/// <summary>An <see cref="IBackgroundDelay"/> with one <see cref="ManualDelay"/> per loop, so a test drives each loop on its own.</summary>
internal sealed class LoopDelays : IBackgroundDelay
{
    private readonly ConcurrentDictionary<string, ManualDelay> _loops = new(StringComparer.Ordinal);

    public ManualDelay DueWork => For(DueWorkHostedService.LoopName);

    public ManualDelay Dispatch => For(NotificationDispatchHostedService.LoopName);

    public ManualDelay For(string loop) => _loops.GetOrAdd(loop, _ => new ManualDelay());

    public Task DelayAsync(string loop, Duration delay, CancellationToken cancellationToken) => For(loop).DelayAsync(delay, cancellationToken);
}
