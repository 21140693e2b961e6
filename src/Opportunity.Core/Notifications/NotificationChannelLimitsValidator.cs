using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Opportunity.Notifications;

/// <summary>
/// With DI, checks the registered channels' own delivery limits against
/// <see cref="NotificationDispatcherOptions.DeliveryTimeout"/> when the options are validated
/// (at start with <c>ValidateOnStart</c>), not only when the dispatcher is first resolved.
/// </summary>
internal sealed class NotificationChannelLimitsValidator(IServiceProvider services) : IValidateOptions<NotificationDispatcherOptions>
{
    public ValidateOptionsResult Validate(string? name, NotificationDispatcherOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.DeliveryTimeout <= NodaTime.Duration.Zero)
        {
            return ValidateOptionsResult.Skip; // reported by NotificationDispatcherOptionsValidator
        }

        var failures = NotificationDispatcherOptionsValidator.ValidateChannels(options, services.GetServices<INotificationChannel>());
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
