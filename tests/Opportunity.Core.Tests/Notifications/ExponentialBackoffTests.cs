using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using NodaTime;
using Opportunity.Notifications;

namespace Opportunity.Core.Tests.Notifications;

public sealed class ExponentialBackoffTests
{
    private static readonly ExponentialBackoff Backoff = new(Duration.FromSeconds(30), Duration.FromHours(6), seed: 7);

    [Fact]
    public void BaseDelay_DoublesUpToTheCap()
    {
        Assert.Equal(
            [30, 60, 120, 240, 480, 960, 1920, 3840, 7680, 15360, 21600, 21600],
            Enumerable.Range(1, 12).Select(n => (int)Backoff.BaseDelay(n).TotalSeconds));
        Assert.Equal(Duration.FromHours(6), Backoff.BaseDelay(1000));
    }

    [Property(MaxTest = 500)]
    public Property DelayFor_AnyMessageAndAttempt_WithinEqualJitterBounds(NonEmptyString id, PositiveInt attempt)
    {
        var n = Math.Min(attempt.Get, 200);
        var delay = Backoff.DelayFor(id.Get, n);
        var d = Backoff.BaseDelay(n);
        return (delay >= Duration.FromTicks(d.BclCompatibleTicks / 2) && delay < d).Label($"{delay} in [{d}/2, {d})");
    }

    [Property(MaxTest = 200)]
    public bool DelayFor_SameSeedMessageAndAttempt_SameDelay(NonEmptyString id, PositiveInt attempt) =>
        new ExponentialBackoff(Duration.FromSeconds(30), Duration.FromHours(6), 7).DelayFor(id.Get, attempt.Get % 50 + 1)
        == Backoff.DelayFor(id.Get, attempt.Get % 50 + 1);

    [Fact]
    public void DelayFor_ManyMessagesFailingTogether_SpreadOut()
    {
        var delays = Enumerable.Range(0, 200).Select(i => Backoff.DelayFor($"msg_{i}", 3)).ToHashSet();

        Assert.True(delays.Count > 190, $"only {delays.Count} distinct delays");
        Assert.NotEqual(Backoff.DelayFor("msg_1", 3), new ExponentialBackoff(Duration.FromSeconds(30), Duration.FromHours(6), 8).DelayFor("msg_1", 3));
    }

    [Fact]
    public void Constructor_InvalidDelays_Throw()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ExponentialBackoff(Duration.Zero, Duration.FromHours(1), 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ExponentialBackoff(Duration.FromHours(2), Duration.FromHours(1), 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Backoff.DelayFor("x", 0));
    }
}
