namespace Opportunity.Notifications;

/// <summary>
/// Settings the dispatcher applies to a channel registered with <c>AddNotificationChannel</c>
/// (named options, named like the registration: the channel name for <c>UseSmtp</c>, the
/// channel type's full name for <c>AddNotificationChannel&lt;TChannel&gt;</c>).
/// </summary>
public sealed class NotificationChannelOptions
{
    /// <summary>
    /// The events the channel hears about, e.g. <c>o.Events.Add&lt;LeadAssigned&gt;()</c>; empty
    /// (the default) for every event. Other events never reach its <see cref="INotificationChannel.ResolveRecipientsAsync"/>.
    /// </summary>
    public EventTypeSet Events { get; } = [];
}
