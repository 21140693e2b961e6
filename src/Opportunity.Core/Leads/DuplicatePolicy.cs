namespace Opportunity.Leads;

/// <summary>Duplicate and channel-conflict detection at capture and deal registration.</summary>
public sealed record DuplicatePolicy
{
    /// <summary>The default: match on company, e-mail domain and phone; offer duplicates to the partner already working the deal.</summary>
    public static DuplicatePolicy Default { get; } = new();

    /// <summary>Keys that identify the same deal. Default: all.</summary>
    public DuplicateMatchKeys MatchOn { get; init; } = DuplicateMatchKeys.All;

    /// <summary>What routing does with a duplicate. Default <see cref="DuplicateHandling.OfferToWorkingPartner"/>.</summary>
    public DuplicateHandling Handling { get; init; } = DuplicateHandling.OfferToWorkingPartner;

    /// <summary>E-mail domains shared by unrelated people, never used as a key (case-insensitive).</summary>
    public IReadOnlySet<string> FreeMailDomains { get; init; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "live.com", "msn.com", "yahoo.com", "icloud.com", "me.com",
        "aol.com", "proton.me", "protonmail.com", "gmx.de", "gmx.net", "web.de", "t-online.de", "freenet.de", "mail.com", "yandex.com",
    };
}
