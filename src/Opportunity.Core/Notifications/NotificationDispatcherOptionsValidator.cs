using System.Net.Mail;
using Microsoft.Extensions.Options;
using NodaTime;

namespace Opportunity.Notifications;

/// <summary>Checks <see cref="NotificationDispatcherOptions"/>; each failure names the option.</summary>
public sealed class NotificationDispatcherOptionsValidator : IValidateOptions<NotificationDispatcherOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, NotificationDispatcherOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.WorkerId is not null && string.IsNullOrWhiteSpace(options.WorkerId))
        {
            failures.Add($"{nameof(options.WorkerId)} must be null (use the host id) or not empty.");
        }

        if (options.BatchSize is < 1 or > 10_000)
        {
            failures.Add($"{nameof(options.BatchSize)} must be between 1 and 10000, was {options.BatchSize}.");
        }

        if (options.LeaseDuration <= Duration.Zero)
        {
            failures.Add($"{nameof(options.LeaseDuration)} must be positive, was {options.LeaseDuration}.");
        }

        if (options.DeliveryTimeout <= Duration.Zero)
        {
            failures.Add($"{nameof(options.DeliveryTimeout)} must be positive, was {options.DeliveryTimeout}.");
        }
        else if (options.LeaseDuration > Duration.Zero && options.LeaseDuration < options.DeliveryTimeout * 2)
        {
            // A delivery may run for DeliveryTimeout after its lease was renewed and then still has to
            // write its outcome; a shorter lease lets a second dispatcher send the same message meanwhile.
            failures.Add($"{nameof(options.LeaseDuration)} ({options.LeaseDuration}) must be at least twice {nameof(options.DeliveryTimeout)} ({options.DeliveryTimeout}), or a second dispatcher may take over a message still being delivered.");
        }

        if (options.MaxConcurrentDeliveries is < 1 or > 256)
        {
            failures.Add($"{nameof(options.MaxConcurrentDeliveries)} must be between 1 and 256, was {options.MaxConcurrentDeliveries}.");
        }

        if (options.InitialRetryDelay <= Duration.Zero)
        {
            failures.Add($"{nameof(options.InitialRetryDelay)} must be positive, was {options.InitialRetryDelay}.");
        }

        if (options.MaxRetryDelay < options.InitialRetryDelay)
        {
            failures.Add($"{nameof(options.MaxRetryDelay)} ({options.MaxRetryDelay}) must not be shorter than {nameof(options.InitialRetryDelay)} ({options.InitialRetryDelay}).");
        }

        if (options.MaxAttempts is < 1 or > 100)
        {
            failures.Add($"{nameof(options.MaxAttempts)} must be between 1 and 100, was {options.MaxAttempts}.");
        }

        if (!NotificationTemplate.IsLanguage(options.DefaultLanguage))
        {
            failures.Add($"{nameof(options.DefaultLanguage)} must be an ISO 639-1 code such as 'en', was '{options.DefaultLanguage}'.");
        }

        if (options.OperationsEmail is not null && !MailAddress.TryCreate(options.OperationsEmail, out _))
        {
            failures.Add($"{nameof(options.OperationsEmail)} '{options.OperationsEmail}' is not an e-mail address.");
        }

        if (options.DeliveredRetention is { } retention && retention < Duration.FromMinutes(1))
        {
            failures.Add($"{nameof(options.DeliveredRetention)} must be null (keep delivered messages) or at least 1 minute, was {retention}.");
        }

        if (options.Templates is null)
        {
            failures.Add($"{nameof(options.Templates)} must not be null.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>
    /// The combinations of dispatcher options and channels that cannot hold: a channel whose own
    /// delivery limit (e.g. the webhook <c>Timeout</c>) is longer than
    /// <see cref="NotificationDispatcherOptions.DeliveryTimeout"/> would be cut off before its
    /// own timeout and could never report it. Each failure names the channel and both settings.
    /// </summary>
    internal static List<string> ValidateChannels(NotificationDispatcherOptions options, IEnumerable<INotificationChannel> channels)
    {
        var failures = new List<string>();
        foreach (var channel in channels)
        {
            if (channel?.DeliveryTimeLimit is { } limit && limit > options.DeliveryTimeout)
            {
                failures.Add(
                    $"Channel '{channel.Name}' allows one delivery to take {limit} (its Timeout option), longer than " +
                    $"{nameof(NotificationDispatcherOptions)}.{nameof(options.DeliveryTimeout)} ({options.DeliveryTimeout}); lower the channel's Timeout " +
                    $"or raise {nameof(options.DeliveryTimeout)} and keep {nameof(options.LeaseDuration)} at least twice it.");
            }
        }

        return failures;
    }
}
