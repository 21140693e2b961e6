using NodaTime;

namespace Opportunity.Routing;

/// <summary>Partner performance by partner, with the network averages (weighted by sample size) that small samples shrink toward.</summary>
public sealed class PartnerPerformanceTable
{
    private readonly Dictionary<PartnerId, PartnerPerformance> _byPartner;

    /// <summary>Creates a table; a later record for the same partner replaces an earlier one.</summary>
    public PartnerPerformanceTable(IEnumerable<PartnerPerformance> performances)
    {
        ArgumentNullException.ThrowIfNull(performances);
        _byPartner = [];
        foreach (var p in performances)
        {
            ArgumentNullException.ThrowIfNull(p, nameof(performances));
            _byPartner[p.Partner] = p;
        }

        double n = 0, accepted = 0, converted = 0, timeWeight = 0, time = 0;
        foreach (var p in _byPartner.Values)
        {
            n += p.LeadsOffered;
            accepted += p.AcceptanceRate * p.LeadsOffered;
            converted += p.ConversionRate * p.LeadsOffered;
            if (p.MedianTimeToAccept is { } t)
            {
                timeWeight += p.LeadsOffered;
                time += t.TotalSeconds * p.LeadsOffered;
            }
        }

        NetworkAcceptanceRate = n > 0 ? accepted / n : 0.5;
        NetworkConversionRate = n > 0 ? converted / n : 0.5;
        NetworkMedianTimeToAccept = timeWeight > 0 ? Duration.FromSeconds(time / timeWeight) : null;
    }

    /// <summary>No data: every partner scores the network default.</summary>
    public static PartnerPerformanceTable Empty { get; } = new([]);

    /// <summary>Sample-weighted mean acceptance rate (0.5 without data).</summary>
    public double NetworkAcceptanceRate { get; }

    /// <summary>Sample-weighted mean conversion rate (0.5 without data).</summary>
    public double NetworkConversionRate { get; }

    /// <summary>Sample-weighted mean of the partners' median times to accept; null without data.</summary>
    public Duration? NetworkMedianTimeToAccept { get; }

    /// <summary>The partner's record, or null.</summary>
    public PartnerPerformance? Find(PartnerId partner) => _byPartner.GetValueOrDefault(partner);
}
