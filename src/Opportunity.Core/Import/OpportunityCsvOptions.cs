using NodaTime;
using Opportunity.Pipelines;

namespace Opportunity.Import;

/// <summary>Settings of <see cref="OpportunityCsvImporter"/>. Every member but the tenant has a documented default.</summary>
public sealed record OpportunityCsvOptions
{
    /// <summary>Creates options for importing into <paramref name="tenant"/>.</summary>
    public OpportunityCsvOptions(TenantId tenant)
    {
        _ = tenant.Value;
        Tenant = tenant;
    }

    /// <summary>The tenant the opportunities and new partners belong to.</summary>
    public TenantId Tenant { get; }

    /// <summary>The pipeline the stages are looked up in. Default: <see cref="PipelineDefinition.Default"/>.</summary>
    public PipelineDefinition Pipeline { get; init; } = PipelineDefinition.Default;

    /// <summary>Import the good rows and report the bad ones instead of importing nothing. Default false.</summary>
    public bool SkipBadRows { get; init; }

    /// <summary>Partners that exist already; others named in the file are returned as new partners. Default: none known.</summary>
    public IReadOnlySet<PartnerId>? KnownPartners { get; init; }

    /// <summary>Regions that exist already; others named in the file are returned as new regions. Default: none known.</summary>
    public IReadOnlySet<string>? KnownRegions { get; init; }

    /// <summary>Expected close date of rows without one: today (in <see cref="Zone"/>) plus this. Default 90 days.</summary>
    public Period DefaultCloseHorizon { get; init; } = Period.FromDays(90);

    /// <summary>Time zone in which "today" is taken. Default UTC.</summary>
    public DateTimeZone Zone { get; init; } = DateTimeZone.Utc;

    /// <summary>
    /// Also write each row's domain events to the outbox (<c>OpportunityOpened</c>, and
    /// <c>OpportunityClosed</c> for a closed stage), as 0.2.0 did. Default false: an import writes one
    /// <see cref="OpportunitiesImported"/>, and every imported opportunity is on the change feed
    /// (<see cref="Persistence.IChangeFeed"/>). The per-row events cost about as much of SQLite's
    /// single writer as the rows themselves (docs/performance.md).
    /// </summary>
    public bool PerRowEvents { get; init; }

    /// <summary>Who the import acts as in stage histories and events. Default <c>import</c>.</summary>
    public string Actor { get; init; } = "import";
}
