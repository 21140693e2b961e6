using NodaTime;
using Opportunity.Leads;
using Opportunity.Partners;

namespace Opportunity.Workflows;

/// <summary>
/// The lifecycle of partners' deal registrations. Every period is working time in the registering
/// partner's business calendar (the fallback calendar when its record is missing), as the
/// acceptance SLA of leads is: a registration approved on Friday afternoon does not lose a weekend.
/// </summary>
public sealed record DealRegistrationPolicy
{
    private readonly Duration _approvalDeadline = Duration.FromHours(16);
    private readonly Duration _protectionPeriod = Duration.FromHours(480);
    private readonly Duration _expiryWarning = Duration.FromHours(40);
    private readonly Duration _extensionPeriod = Duration.FromHours(160);
    private readonly int _maxExtensions = 1;

    /// <summary>The default: decide within 2 working days (16 h), protect for 60 working days (480 h), warn 5 working days (40 h) before, one extension of 20 working days (160 h), the channel manager decides conflicts.</summary>
    public static DealRegistrationPolicy Default { get; } = new();

    /// <summary>Working time the manufacturer has to approve or reject a registration before it is escalated to the registrant's channel manager. Default 16 hours; positive.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Not positive.</exception>
    public Duration ApprovalDeadline { get => _approvalDeadline; init => _approvalDeadline = Positive(value, nameof(ApprovalDeadline)); }

    /// <summary>Working time an approved registration is protected; unless converted or extended by then it expires. Default 480 hours; positive.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Not positive.</exception>
    public Duration ProtectionPeriod { get => _protectionPeriod; init => _protectionPeriod = Positive(value, nameof(ProtectionPeriod)); }

    /// <summary>Working time before the end of protection at which the registrant is warned; zero for no warning. Default 40 hours; not negative.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Negative.</exception>
    public Duration ExpiryWarning
    {
        get => _expiryWarning;
        init => _expiryWarning = value < Duration.Zero ? throw new ArgumentOutOfRangeException(nameof(ExpiryWarning), value, $"{nameof(ExpiryWarning)} must not be negative.") : value;
    }

    /// <summary>Working time an approved extension adds to the protection (counted from its current end). Default 160 hours; positive.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Not positive.</exception>
    public Duration ExtensionPeriod { get => _extensionPeriod; init => _extensionPeriod = Positive(value, nameof(ExtensionPeriod)); }

    /// <summary>How many extensions one registration may have. Default 1; zero turns extensions off; not negative.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Negative.</exception>
    public int MaxExtensions
    {
        get => _maxExtensions;
        init => _maxExtensions = value < 0 ? throw new ArgumentOutOfRangeException(nameof(MaxExtensions), value, $"{nameof(MaxExtensions)} must not be negative.") : value;
    }

    /// <summary>What happens when a partner registers a deal another partner has registered (pending or protected). Default <see cref="RegistrationConflictRule.ChannelManagerDecides"/>.</summary>
    public RegistrationConflictRule ConflictRule { get; init; }

    /// <summary>The approval deadline of a registration made at <paramref name="registeredAt"/>.</summary>
    internal Instant ApprovalDueAt(Instant registeredAt, IBusinessCalendar calendar)
    {
        ArgumentNullException.ThrowIfNull(calendar);
        return calendar.AddWorkingTime(registeredAt, ApprovalDeadline);
    }

    /// <summary>
    /// The end of a protection that runs <paramref name="period"/> of working time from
    /// <paramref name="start"/>, and when the registrant is warned (null when
    /// <see cref="ExpiryWarning"/> is zero or not shorter than the period).
    /// </summary>
    internal (Instant ProtectedUntil, Instant? WarningAt) Protection(Instant start, Duration period, IBusinessCalendar calendar)
    {
        ArgumentNullException.ThrowIfNull(calendar);
        var until = calendar.AddWorkingTime(start, period);
        Instant? warning = ExpiryWarning > Duration.Zero && ExpiryWarning < period ? calendar.AddWorkingTime(start, period - ExpiryWarning) : null;
        return (until, warning);
    }

    private static Duration Positive(Duration value, string name) =>
        value <= Duration.Zero ? throw new ArgumentOutOfRangeException(name, value, $"{name} must be positive.") : value;
}
