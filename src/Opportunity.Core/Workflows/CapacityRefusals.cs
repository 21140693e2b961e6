using NodaTime;
using Opportunity.Routing;

namespace Opportunity.Workflows;

/// <summary>
/// The partners a store refused for one lead because they were full (<see cref="PartnerAtCapacityException"/>),
/// with the load the store counted: routing again sees them at that load, and a partner refused a second
/// time is excluded (a rule set without the capacity rule would otherwise pick it again).
/// </summary>
internal sealed class CapacityRefusals
{
    private readonly Dictionary<PartnerId, int> _open = [];
    private readonly HashSet<PartnerId> _excluded = [];

    /// <summary>Partners to exclude outright.</summary>
    public IReadOnlyCollection<PartnerId> Excluded => _excluded;

    /// <summary>Records a refusal; false when the partner was already excluded (the refusal cannot be routed around).</summary>
    public bool Add(PartnerAtCapacityException refusal)
    {
        if (_excluded.Contains(refusal.Partner))
        {
            return false;
        }

        if (!_open.TryAdd(refusal.Partner, refusal.OpenLeads))
        {
            _excluded.Add(refusal.Partner);
        }

        _open[refusal.Partner] = Math.Max(_open[refusal.Partner], refusal.OpenLeads);
        return true;
    }

    /// <summary><paramref name="load"/> with the refused partners at the load the store counted.</summary>
    public IPartnerLoad Over(IPartnerLoad load) => new RefusedLoad(load, _open);

    private sealed class RefusedLoad(IPartnerLoad inner, Dictionary<PartnerId, int> open) : IPartnerLoad
    {
        public int OpenLeads(PartnerId partner) =>
            open.TryGetValue(partner, out var counted) ? Math.Max(counted, inner.OpenLeads(partner)) : inner.OpenLeads(partner);

        public Instant? LastAssignedAt(PartnerId partner) => inner.LastAssignedAt(partner);
    }
}
