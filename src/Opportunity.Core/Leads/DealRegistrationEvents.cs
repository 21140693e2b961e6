using NodaTime;

namespace Opportunity.Leads;

/// <summary>A deal registration was not decided by its approval deadline; the registrant's channel manager is asked to decide.</summary>
/// <param name="Partner">The registering partner.</param>
/// <param name="ApprovalDueAt">The deadline that passed.</param>
/// <param name="ChannelManager">The channel manager to notify, when known.</param>
public sealed record DealRegistrationApprovalOverdue(PartnerId Partner, Instant ApprovalDueAt, string? ChannelManager) : DomainEvent;

/// <summary>A new deal registration collides with another partner's registration of the same deal (pending or protected).</summary>
/// <param name="Partner">The partner of the new registration.</param>
/// <param name="CompetingRegistration">The other partner's registration.</param>
/// <param name="CompetingPartner">The partner that registered it.</param>
/// <param name="Rule">The conflict rule applied: the later registration is rejected, or the channel manager decides.</param>
public sealed record DealRegistrationConflictDetected(PartnerId Partner, LeadId CompetingRegistration, PartnerId CompetingPartner, RegistrationConflictRule Rule) : DomainEvent;

/// <summary>The protection of an approved registration ends soon; the registrant should convert it or ask for an extension.</summary>
/// <param name="Partner">The registering partner.</param>
/// <param name="ProtectedUntil">When the protection ends.</param>
public sealed record DealRegistrationExpiring(PartnerId Partner, Instant ProtectedUntil) : DomainEvent;

/// <summary>The protection of an approved registration ended before it was converted or extended; the partner no longer holds the deal.</summary>
/// <param name="Partner">The registering partner.</param>
/// <param name="ProtectedUntil">When the protection ended.</param>
public sealed record DealRegistrationExpired(PartnerId Partner, Instant ProtectedUntil) : DomainEvent;

/// <summary>The registrant asks for a longer protection of its approved registration.</summary>
/// <param name="Partner">The registering partner.</param>
/// <param name="Reason">Why it needs more time.</param>
/// <param name="ProtectedUntil">When the protection ends without an extension.</param>
public sealed record DealRegistrationExtensionRequested(PartnerId Partner, string Reason, Instant ProtectedUntil) : DomainEvent;

/// <summary>The manufacturer approved an extension: the registration is protected longer.</summary>
/// <param name="Partner">The registering partner.</param>
/// <param name="ProtectedUntil">The new end of the protection.</param>
/// <param name="Extensions">How many extensions the registration has had, this one included.</param>
public sealed record DealRegistrationExtended(PartnerId Partner, Instant ProtectedUntil, int Extensions) : DomainEvent;

/// <summary>The manufacturer declined an extension request; the protection ends as before.</summary>
/// <param name="Partner">The registering partner.</param>
/// <param name="Reason">Why.</param>
/// <param name="ProtectedUntil">When the protection ends.</param>
public sealed record DealRegistrationExtensionRejected(PartnerId Partner, string Reason, Instant ProtectedUntil) : DomainEvent;
