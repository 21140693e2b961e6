using NodaTime;

namespace Opportunity.Routing;

/// <summary>A mutable <see cref="IPartnerLoad"/>: open lead counts and last assignments per partner.</summary>
public sealed class PartnerLoadTable : IPartnerLoad
{
    private readonly Dictionary<PartnerId, Entry> _entries;

    /// <summary>Creates an empty table (every partner: 0 open leads, never assigned).</summary>
    public PartnerLoadTable()
    {
        _entries = [];
    }

    private PartnerLoadTable(Dictionary<PartnerId, Entry> entries)
    {
        _entries = entries;
    }

    private record struct Entry(int Open, Instant? LastAssigned);

    /// <summary>Partners with an entry.</summary>
    public IEnumerable<PartnerId> Partners => _entries.Keys;

    /// <inheritdoc />
    public int OpenLeads(PartnerId partner) => _entries.TryGetValue(partner, out var e) ? e.Open : 0;

    /// <inheritdoc />
    public Instant? LastAssignedAt(PartnerId partner) => _entries.TryGetValue(partner, out var e) ? e.LastAssigned : null;

    /// <summary>Sets a partner's load.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="openLeads"/> is negative.</exception>
    public void Set(PartnerId partner, int openLeads, Instant? lastAssignedAt)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(openLeads);
        _entries[partner] = new Entry(openLeads, lastAssignedAt);
    }

    /// <summary>Records a new assignment: one more open lead, last assigned at <paramref name="at"/> (if later).</summary>
    public void RecordAssignment(PartnerId partner, Instant at)
    {
        var e = _entries.GetValueOrDefault(partner);
        _entries[partner] = new Entry(e.Open + 1, e.LastAssigned is { } last && last > at ? last : at);
    }

    /// <summary>Records that an open lead left the partner (accepted and converted, rejected, recalled, closed): one fewer open lead.</summary>
    public void RecordRelease(PartnerId partner)
    {
        if (_entries.TryGetValue(partner, out var e) && e.Open > 0)
        {
            _entries[partner] = e with { Open = e.Open - 1 };
        }
    }

    /// <summary>An independent copy.</summary>
    public PartnerLoadTable Copy() => new(new Dictionary<PartnerId, Entry>(_entries));

    /// <summary>A copy of any load as a table, for the given partners.</summary>
    public static PartnerLoadTable CopyOf(IPartnerLoad load, IEnumerable<PartnerId> partners)
    {
        ArgumentNullException.ThrowIfNull(load);
        ArgumentNullException.ThrowIfNull(partners);
        if (load is PartnerLoadTable table)
        {
            return table.Copy();
        }

        var copy = new PartnerLoadTable();
        foreach (var partner in partners)
        {
            var open = load.OpenLeads(partner);
            var last = load.LastAssignedAt(partner);
            if (open != 0 || last is not null)
            {
                copy.Set(partner, open, last);
            }
        }

        return copy;
    }
}
