namespace Opportunity;

/// <summary>
/// A partner acts on a lead or opportunity that is not its own, e.g. accepts a lead assigned to
/// another partner. <see cref="Partner"/> is the partner that was refused. HTTP: 403.
/// </summary>
public sealed class AccessDeniedException : OpportunityException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="errorCode">E.g. <see cref="OpportunityErrorCodes.PartnerNotAssigned"/>.</param>
    /// <param name="partner">The partner that was refused.</param>
    /// <param name="kind">The kind of entity, e.g. <c>Lead</c>.</param>
    /// <param name="id">The entity's id.</param>
    /// <param name="message">What was refused, in a sentence.</param>
    public AccessDeniedException(string errorCode, PartnerId partner, string kind, string id, string message)
        : base(errorCode, message)
    {
        Partner = partner;
        Kind = kind;
        Id = id;
    }

    /// <summary>The partner that was refused.</summary>
    public PartnerId Partner { get; }

    /// <summary>The kind of entity, e.g. <c>Lead</c>.</summary>
    public string Kind { get; }

    /// <summary>The entity's id.</summary>
    public string Id { get; }
}
