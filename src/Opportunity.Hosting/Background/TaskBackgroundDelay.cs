using NodaTime;

namespace Opportunity.Hosting;

/// <summary>The default <see cref="IBackgroundDelay"/>: <see cref="Task.Delay(TimeSpan, CancellationToken)"/>.</summary>
public sealed class TaskBackgroundDelay : IBackgroundDelay
{
    /// <inheritdoc />
    public Task DelayAsync(string loop, Duration delay, CancellationToken cancellationToken) => Task.Delay(delay.ToTimeSpan(), cancellationToken);
}
