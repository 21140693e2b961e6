using System.Text;
using Opportunity.Persistence.AdapterSupport;
using Opportunity.Pipelines;

namespace Opportunity.Persistence;

/// <summary>
/// The repeated values of a pipeline row stream — partner, stage, currency, region, product line —
/// as one instance per distinct value (<see cref="Utf8StringPool"/>), with the partner and currency
/// built again only when they change (rows come in index order, partner by partner). Shared by the
/// SQL adapters' <see cref="IPipelineRowSource"/> readers; compiled into each (a linked source file).
/// </summary>
internal sealed class PipelineRowValues
{
    private readonly Utf8StringPool _partners = new(), _stages = new(), _currencies = new(), _regions = new(), _productLines = new();
    private string? _lastPartner, _lastCurrency;
    private PartnerId _partner;
    private CurrencyCode _currency;

    public PartnerId Partner(ReadOnlySpan<byte> utf8)
    {
        var id = _partners.Get(utf8);
        if (!ReferenceEquals(id, _lastPartner))
        {
            _partner = new PartnerId(id);
            _lastPartner = id;
        }

        return _partner;
    }

    public CurrencyCode Currency(ReadOnlySpan<byte> utf8)
    {
        var code = _currencies.Get(utf8);
        if (!ReferenceEquals(code, _lastCurrency))
        {
            _currency = StoredValues.ReadCurrency(nameof(SalesOpportunity), null, code);
            _lastCurrency = code;
        }

        return _currency;
    }

    public string Stage(ReadOnlySpan<byte> utf8) => _stages.Get(utf8);

    public string Region(ReadOnlySpan<byte> utf8) => _regions.Get(utf8);

    public string ProductLine(ReadOnlySpan<byte> utf8) => _productLines.Get(utf8);

    /// <summary>A deal stored before the one-deal limit was enforced: the error names it.</summary>
    public static StoreDataException AmountOutOfRange(ReadOnlySpan<byte> id, long minorUnits) =>
        new(nameof(SalesOpportunity), Encoding.UTF8.GetString(id), nameof(SalesOpportunity.Amount), $"Stored amount of {minorUnits} minor units is outside the range of one deal, 0 to {Money.MaxDealMinorUnits}.");
}
