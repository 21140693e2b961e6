using NodaTime;

namespace Opportunity.Hosting.Tests;

/// <summary>The waits of one background loop, driven by the test: each lasts until the test calls <see cref="Elapse"/>.</summary>
internal sealed class ManualDelay
{
    // A guard against a hanging test run, not a timing assertion: every wait below completes as soon as the service gets there.
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(30);

    private readonly Lock _gate = new();
    private TaskCompletionSource<Duration> _requested = New<Duration>();
    private TaskCompletionSource _release = New();

    public int Waits { get; private set; }

    /// <summary>Every pause the loop asked for, in order.</summary>
    public List<Duration> Requested { get; } = [];

    public Task DelayAsync(Duration delay, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            Waits++;
            Requested.Add(delay);
            _requested.TrySetResult(delay);
            return _release.Task.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Completes when the service starts waiting (after its run, if it made one), with the duration it asked for.</summary>
    public Task<Duration> WaitRequestedAsync()
    {
        lock (_gate)
        {
            return _requested.Task.WaitAsync(Guard);
        }
    }

    /// <summary>Ends the current wait: the service runs again.</summary>
    public void Elapse()
    {
        TaskCompletionSource release;
        lock (_gate)
        {
            release = _release;
            _release = New();
            _requested = New<Duration>();
        }

        release.SetResult();
    }

    private static TaskCompletionSource New() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static TaskCompletionSource<T> New<T>() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
