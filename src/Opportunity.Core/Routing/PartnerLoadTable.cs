using NodaTime;

namespace Opportunity.Routing;

/// <summary>
/// A mutable <see cref="IPartnerLoad"/>: open lead counts and last assignments per partner. When a
/// table covers a good part of a <see cref="RoutingNetwork"/> it also keeps its entries in a dense
/// array by network index, so routing reads a candidate's load without hashing its id.
/// </summary>
public sealed class PartnerLoadTable : IPartnerLoad
{
    private readonly Dictionary<PartnerId, Entry> _entries;
    private OrdinalView? _view;

    /// <summary>Creates an empty table (every partner: 0 open leads, never assigned).</summary>
    public PartnerLoadTable()
    {
        _entries = [];
    }

    private PartnerLoadTable(Dictionary<PartnerId, Entry> entries)
    {
        _entries = entries;
    }

    /// <summary>A load with no partner on it, for routing without load.</summary>
    internal static IPartnerLoad None { get; } = new NoLoad();

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
        Store(partner, new Entry(openLeads, lastAssignedAt));
    }

    /// <summary>Records a new assignment: one more open lead, last assigned at <paramref name="at"/> (if later).</summary>
    public void RecordAssignment(PartnerId partner, Instant at)
    {
        var e = _entries.GetValueOrDefault(partner);
        Store(partner, new Entry(e.Open + 1, e.LastAssigned is { } last && last > at ? last : at));
    }

    /// <summary>Records that an open lead left the partner (accepted and converted, rejected, recalled, closed): one fewer open lead.</summary>
    public void RecordRelease(PartnerId partner)
    {
        if (_entries.TryGetValue(partner, out var e) && e.Open > 0)
        {
            Store(partner, e with { Open = e.Open - 1 });
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

    /// <summary>
    /// The entries by index of <paramref name="network"/>, kept current by later changes; null when
    /// the table holds fewer than a quarter as many partners as the network (then hashing ids is
    /// cheaper than an array the size of the network). The last view is reused.
    /// </summary>
    internal OrdinalView? ViewFor(RoutingNetwork network)
    {
        var view = Volatile.Read(ref _view);
        if (view is not null && ReferenceEquals(view.Network, network))
        {
            return view;
        }

        if (_entries.Count == 0 || _entries.Count * 4L < network.Count)
        {
            return null;
        }

        var entries = new Entry[network.Count];
        foreach (var (partner, entry) in _entries)
        {
            if (network.IndexOf(partner) is { } index)
            {
                entries[index] = entry;
            }
        }

        view = new OrdinalView(network, entries);
        Volatile.Write(ref _view, view);
        return view;
    }

    private void Store(PartnerId partner, Entry entry)
    {
        _entries[partner] = entry;
        if (_view is { } view && view.Network.IndexOf(partner) is { } index)
        {
            view.Entries[index] = entry;
        }
    }

    internal record struct Entry(int Open, Instant? LastAssigned);

    /// <summary>The table's entries by network index.</summary>
    internal sealed class OrdinalView
    {
        internal OrdinalView(RoutingNetwork network, Entry[] entries)
        {
            Network = network;
            Entries = entries;
        }

        public RoutingNetwork Network { get; }

        internal Entry[] Entries { get; }

        public int OpenLeads(int index) => Entries[index].Open;

        public Instant? LastAssignedAt(int index) => Entries[index].LastAssigned;
    }

    private sealed class NoLoad : IPartnerLoad
    {
        public int OpenLeads(PartnerId partner) => 0;

        public Instant? LastAssignedAt(PartnerId partner) => null;
    }
}
