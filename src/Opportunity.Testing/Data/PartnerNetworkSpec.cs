using NodaTime;

namespace Opportunity.Testing.Data;

/// <summary>
/// The shape of a generated partner network: how many partners and open deals, how skewed partner
/// sizes are, the currencies, the close-date window and the share of probability overrides. The
/// same spec and seed always give the same network.
/// </summary>
public sealed record PartnerNetworkSpec
{
    /// <summary>1,000 partners, 100,000 open opportunities.</summary>
    public static PartnerNetworkSpec Small { get; } = new() { Partners = 1_000, OpenOpportunities = 100_000 };

    /// <summary>10,000 partners, 1,000,000 open opportunities.</summary>
    public static PartnerNetworkSpec Medium { get; } = new() { Partners = 10_000, OpenOpportunities = 1_000_000 };

    /// <summary>100,000 partners, 10,000,000 open opportunities.</summary>
    public static PartnerNetworkSpec Large { get; } = new() { Partners = 100_000, OpenOpportunities = 10_000_000 };

    /// <summary>Number of partners (at least 1). Default 1,000.</summary>
    public int Partners { get; init; } = 1_000;

    /// <summary>Number of open opportunities (at least 0). Default 100,000.</summary>
    public int OpenOpportunities { get; init; } = 100_000;

    /// <summary>The seed. Default 42.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>Zipf exponent of partner sizes: partner of size rank r gets a share ∝ 1/r^s (a few large partners, a long tail). Default 1.0.</summary>
    public double SizeSkew { get; init; } = 1.0;

    /// <summary>The currencies, with the share of partners using each (partners sell in one home currency). Default EUR 60%, USD 30%, GBP 10%.</summary>
    public IReadOnlyList<(CurrencyCode Currency, double Share)> Currencies { get; init; } =
        [(CurrencyCode.EUR, 0.6), (CurrencyCode.USD, 0.3), (CurrencyCode.GBP, 0.1)];

    /// <summary>First possible expected close date. Default 2025-01-01.</summary>
    public LocalDate FirstCloseDate { get; init; } = new(2025, 1, 1);

    /// <summary>Number of calendar quarters the close dates spread over. Default 6.</summary>
    public int Quarters { get; init; } = 6;

    /// <summary>Share of deals whose probability is overridden (5%–95% in steps of 5). Default 0.1.</summary>
    public double ProbabilityOverrideShare { get; init; } = 0.1;

    /// <summary>Share of deals whose forecast category is overridden. Default 0.02.</summary>
    public double CategoryOverrideShare { get; init; } = 0.02;

    /// <summary>
    /// Shares of the open stages of the default pipeline (Qualification, Needs analysis, Proposal,
    /// Negotiation). Default 35%, 30%, 20%, 15%.
    /// </summary>
    public IReadOnlyList<double> StageMix { get; init; } = [0.35, 0.30, 0.20, 0.15];

    /// <summary>Smallest and largest deal amount in major units (log-uniform between). Default 1,000 to 500,000.</summary>
    public (decimal Min, decimal Max) AmountRange { get; init; } = (1_000m, 500_000m);

    /// <summary>Region labels; partners are spread over them. Default twelve regions.</summary>
    public IReadOnlyList<string> Regions { get; init; } =
        ["AT", "BE", "CH", "DE-East", "DE-North", "DE-South", "DE-West", "FR", "IT", "NL", "UK", "US"];

    /// <summary>Product lines; each deal picks one. Default five.</summary>
    public IReadOnlyList<string> ProductLines { get; init; } = ["ev-charging", "heat-pumps", "service", "solar", "storage"];
}
