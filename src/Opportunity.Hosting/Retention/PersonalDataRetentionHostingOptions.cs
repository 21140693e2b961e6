using NodaTime;

namespace Opportunity.Hosting;

/// <summary>
/// Settings of <see cref="PersonalDataRetentionHostedService"/>: which tenants it sweeps and how often
/// (<see cref="BackgroundLoopOptions.Interval"/> default 1 hour, <see cref="BackgroundLoopOptions.MaxIdleInterval"/>
/// default 1 day). The ages are <c>PersonalDataRetentionOptions</c> (<c>AddPersonalDataErasure</c>).
/// </summary>
public sealed class PersonalDataRetentionHostingOptions : BackgroundLoopOptions
{
    /// <summary>Creates the options with their defaults.</summary>
    public PersonalDataRetentionHostingOptions()
        : base(Duration.FromHours(1), Duration.FromDays(1))
    {
    }

    /// <summary>The tenants whose closed records the host sweeps (tenant ids); at least one.</summary>
    public IList<string> Tenants { get; } = [];
}
