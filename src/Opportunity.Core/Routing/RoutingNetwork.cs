using System.Runtime.InteropServices;
using Opportunity.Partners;

namespace Opportunity.Routing;

/// <summary>
/// A tenant's partners, indexed for routing: by country and postal-code prefix, and on a
/// one-degree geo grid. Territory and geo-radius rules look candidates up here instead of scanning
/// every partner, so routing a lead costs what its area holds, not what the network holds.
/// What the built-in rules check (product lines, languages and certifications as bit masks,
/// capacity, tier level, active flag, location) is kept in dense rows by partner, so a decision
/// reads one row per candidate instead of the partner object and its hash sets.
/// Immutable; rebuild it when partners change (building 100,000 partners takes milliseconds).
/// </summary>
public sealed class RoutingNetwork
{
    private const int LatCells = 180;
    private const int LonCells = 360;
    private const double KmPerDegree = Math.PI * GeoPoint.EarthRadiusKm / 180;

    private readonly Partner[] _partners;
    private readonly PartnerColumns[] _columns;
    private readonly GeoPoint[] _locations;
    private readonly Dictionary<PartnerId, int> _indexById;
    private readonly Dictionary<CountryCode, CountryIndex> _countries;
    private readonly int[] _cellStart; // CSR: partners of cell c are _cellItems[_cellStart[c].._cellStart[c + 1]]
    private readonly int[] _cellItems;

    private RoutingNetwork(Partner[] partners)
    {
        _partners = partners;
        _indexById = new Dictionary<PartnerId, int>(partners.Length);
        for (var i = 0; i < partners.Length; i++)
        {
            if (!_indexById.TryAdd(partners[i].Id, i))
            {
                throw new ArgumentException($"Partner '{partners[i].Id}' appears twice in the network.", nameof(partners));
            }
        }

        ProductLineSymbols = AttributeSymbols.Build(partners.Select(p => p.ProductLines));
        LanguageSymbols = AttributeSymbols.Build(partners.Select(p => p.Languages));
        CertificationSymbols = AttributeSymbols.Build(partners.Select(p => p.Certifications));
        _columns = new PartnerColumns[partners.Length];
        _locations = new GeoPoint[partners.Length];
        for (var i = 0; i < partners.Length; i++)
        {
            _columns[i] = new PartnerColumns(partners[i], ProductLineSymbols, LanguageSymbols, CertificationSymbols);
            _locations[i] = partners[i].Location.GetValueOrDefault();
        }

        _countries = BuildTerritoryIndex(partners);
        (_cellStart, _cellItems) = BuildGeoGrid(partners);
    }

    /// <summary>An empty network.</summary>
    public static RoutingNetwork Empty { get; } = new([]);

    /// <summary>Number of partners.</summary>
    public int Count => _partners.Length;

    /// <summary>The partners, ordered by id.</summary>
    public IReadOnlyList<Partner> Partners => _partners;

    /// <summary>The partner at <paramref name="index"/> (ordered by id).</summary>
    public Partner this[int index] => _columns[index].Partner;

    /// <summary>The numbering of product lines.</summary>
    internal AttributeSymbols ProductLineSymbols { get; }

    /// <summary>The numbering of languages.</summary>
    internal AttributeSymbols LanguageSymbols { get; }

    /// <summary>The numbering of certifications.</summary>
    internal AttributeSymbols CertificationSymbols { get; }

    /// <summary>Indexes <paramref name="partners"/>.</summary>
    /// <exception cref="ArgumentException">Two partners share an id.</exception>
    public static RoutingNetwork Build(IEnumerable<Partner> partners)
    {
        ArgumentNullException.ThrowIfNull(partners);
        var array = partners.ToArray();
        Array.Sort(array, static (a, b) => a.Id.CompareTo(b.Id));
        return new RoutingNetwork(array);
    }

    /// <summary>The partner with this id, or null.</summary>
    public Partner? Find(PartnerId id) => _indexById.TryGetValue(id, out var i) ? _partners[i] : null;

    /// <summary>The index of the partner with this id, or null.</summary>
    internal int? IndexOf(PartnerId id) => _indexById.TryGetValue(id, out var i) ? i : null;

    /// <summary>The rule row of the partner at <paramref name="index"/>.</summary>
    internal ref readonly PartnerColumns Row(int index) => ref _columns[index];

    /// <summary>The location of the partner at <paramref name="index"/>; null unless its row says <see cref="PartnerColumns.HasLocation"/>.</summary>
    internal GeoPoint? LocationAt(int index) => _columns[index].HasLocation ? _locations[index] : null;

    /// <summary>Appends the indexes of partners whose territories cover <paramref name="country"/> / <paramref name="postalCode"/>, without duplicates, ascending.</summary>
    internal void AddCovering(CountryCode country, string? postalCode, CandidateBuffer buffer)
    {
        if (!_countries.TryGetValue(country, out var index))
        {
            return;
        }

        var start = buffer.Count;
        var lists = 0;
        if (index.WholeCountry.Length > 0)
        {
            buffer.AddRange(index.WholeCountry);
            lists++;
        }

        if (postalCode is not null && index.ByPrefix.Count > 0)
        {
            var lookup = index.ByPrefix.GetAlternateLookup<ReadOnlySpan<char>>();
            var max = Math.Min(index.MaxPrefixLength, postalCode.Length);
            for (var length = 1; length <= max; length++)
            {
                if (lookup.TryGetValue(postalCode.AsSpan(0, length), out var covering))
                {
                    buffer.AddRange(covering);
                    lists++;
                }
            }
        }

        if (lists > 1)
        {
            buffer.SortAndDistinctFrom(start);
        }
    }

    /// <summary>Appends the indexes of located partners with <paramref name="minKmExclusive"/> &lt; distance ≤ <paramref name="maxKm"/>, ascending.</summary>
    internal void AddWithin(GeoPoint center, double minKmExclusive, double maxKm, CandidateBuffer buffer)
    {
        var start = buffer.Count;
        var latDelta = maxKm / KmPerDegree;
        var latFrom = Math.Max(-90, (int)Math.Floor(center.Latitude - latDelta));
        var latTo = Math.Min(89, (int)Math.Floor(center.Latitude + latDelta));
        var widestLat = Math.Min(89.9, Math.Max(Math.Abs(center.Latitude - latDelta), Math.Abs(center.Latitude + latDelta)));
        var lonDelta = latDelta / Math.Cos(widestLat * Math.PI / 180);
        int lonFrom, lonCount;
        if (latFrom <= -90 || latTo >= 89 || lonDelta >= 180)
        {
            lonFrom = -180;
            lonCount = LonCells;
        }
        else
        {
            lonFrom = (int)Math.Floor(center.Longitude - lonDelta);
            lonCount = Math.Min(LonCells, (int)Math.Floor(center.Longitude + lonDelta) - lonFrom + 1);
        }

        for (var lat = latFrom; lat <= latTo; lat++)
        {
            var row = (lat + 90) * LonCells;
            for (var k = 0; k < lonCount; k++)
            {
                var cell = row + ((((lonFrom + k + 180) % LonCells) + LonCells) % LonCells);
                for (var j = _cellStart[cell]; j < _cellStart[cell + 1]; j++)
                {
                    var i = _cellItems[j];
                    var d = center.DistanceKmTo(_locations[i]);
                    if (d > minKmExclusive && d <= maxKm)
                    {
                        buffer.Add(i);
                    }
                }
            }
        }

        buffer.SortFrom(start);
    }

    private static Dictionary<CountryCode, CountryIndex> BuildTerritoryIndex(Partner[] partners)
    {
        var whole = new Dictionary<CountryCode, List<int>>();
        var byPrefix = new Dictionary<CountryCode, Dictionary<string, List<int>>>();
        for (var i = 0; i < partners.Length; i++)
        {
            foreach (var territory in partners[i].Territories)
            {
                if (territory.PostalPrefixes.Count == 0)
                {
                    AddOnce(CollectionsMarshal.GetValueRefOrAddDefault(whole, territory.Country, out _) ??= [], i);
                    continue;
                }

                var prefixes = CollectionsMarshal.GetValueRefOrAddDefault(byPrefix, territory.Country, out _) ??= new Dictionary<string, List<int>>(StringComparer.Ordinal);
                foreach (var prefix in territory.PostalPrefixes)
                {
                    AddOnce(CollectionsMarshal.GetValueRefOrAddDefault(prefixes, prefix, out _) ??= [], i);
                }
            }
        }

        var result = new Dictionary<CountryCode, CountryIndex>();
        foreach (var country in whole.Keys.Union(byPrefix.Keys))
        {
            var prefixes = byPrefix.GetValueOrDefault(country);
            result[country] = new CountryIndex(
                whole.TryGetValue(country, out var w) ? [.. w] : [],
                prefixes?.ToDictionary(kv => kv.Key, kv => kv.Value.ToArray(), StringComparer.Ordinal) ?? new Dictionary<string, int[]>(StringComparer.Ordinal),
                prefixes?.Keys.Max(k => k.Length) ?? 0);
        }

        return result;

        static void AddOnce(List<int> list, int i)
        {
            if (list.Count == 0 || list[^1] != i)
            {
                list.Add(i);
            }
        }
    }

    private static (int[] Start, int[] Items) BuildGeoGrid(Partner[] partners)
    {
        var counts = new int[(LatCells * LonCells) + 1];
        var cells = new int[partners.Length];
        for (var i = 0; i < partners.Length; i++)
        {
            cells[i] = partners[i].Location is { } p ? CellOf(p) : -1;
            if (cells[i] >= 0)
            {
                counts[cells[i] + 1]++;
            }
        }

        for (var c = 1; c < counts.Length; c++)
        {
            counts[c] += counts[c - 1];
        }

        var items = new int[counts[^1]];
        var next = (int[])counts.Clone();
        for (var i = 0; i < partners.Length; i++)
        {
            if (cells[i] >= 0)
            {
                items[next[cells[i]]++] = i;
            }
        }

        return (counts, items);
    }

    private static int CellOf(GeoPoint p)
    {
        var lat = Math.Clamp((int)Math.Floor(p.Latitude) + 90, 0, LatCells - 1);
        var lon = Math.Clamp((int)Math.Floor(p.Longitude) + 180, 0, LonCells - 1);
        return (lat * LonCells) + lon;
    }

    private sealed record CountryIndex(int[] WholeCountry, Dictionary<string, int[]> ByPrefix, int MaxPrefixLength);
}
