using NodaTime;

namespace Opportunity.Hosting;

/// <summary>The default <see cref="IDueWorkDelay"/>: <see cref="Task.Delay(TimeSpan, CancellationToken)"/>.</summary>
public sealed class TaskDueWorkDelay : IDueWorkDelay
{
    /// <inheritdoc />
    public Task DelayAsync(Duration delay, CancellationToken cancellationToken) => Task.Delay(delay.ToTimeSpan(), cancellationToken);
}
