namespace Opportunity.Notifications;

/// <summary>
/// The waiting and running work of one dispatch run, one lane per destination (a webhook
/// endpoint, a channel, the fan-out of domain events). Each lane runs at most
/// <c>perLane</c> items at once and has its own slots, so a destination that hangs holds only
/// its own lane: the others keep starting work. Lanes take turns (round robin) when several can
/// start. Not thread-safe: only the run loop touches it.
/// </summary>
/// <typeparam name="T">The work item.</typeparam>
internal sealed class DeliveryLanes<T>
{
    private readonly int _perLane;
    private readonly Dictionary<string, Lane> _lanes = new(StringComparer.Ordinal);
    private readonly List<string> _order = [];
    private int _next;

    public DeliveryLanes(int perLane)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(perLane);
        _perLane = perLane;
    }

    /// <summary>Items added and not yet started, over all lanes.</summary>
    public int Waiting { get; private set; }

    /// <summary>Items started and not yet done, over all lanes.</summary>
    public int Running { get; private set; }

    /// <summary>
    /// True when some destination has a free slot and nothing waiting: it could take more work
    /// now, whatever the other lanes hold (a lane stays known after it ran dry, for this reason).
    /// </summary>
    public bool AnyHungry
    {
        get
        {
            foreach (var state in _lanes.Values)
            {
                if (state.Running < _perLane && state.Waiting.Count == 0)
                {
                    return true;
                }
            }

            return false;
        }
    }

    public void Add(string lane, T item)
    {
        if (!_lanes.TryGetValue(lane, out var state))
        {
            state = new Lane();
            _lanes.Add(lane, state);
            _order.Add(lane);
        }

        state.Waiting.Enqueue(item);
        Waiting++;
    }

    /// <summary>Takes the next item of a lane that has a free slot; false when no lane can start anything.</summary>
    public bool TryStart(out string lane, out T item)
    {
        for (var i = 0; i < _order.Count; i++)
        {
            var name = _order[(_next + i) % _order.Count];
            var state = _lanes[name];
            if (state.Running < _perLane && state.Waiting.TryDequeue(out var next))
            {
                state.Running++;
                Running++;
                Waiting--;
                _next = (_next + i + 1) % _order.Count;
                lane = name;
                item = next;
                return true;
            }
        }

        lane = string.Empty;
        item = default!;
        return false;
    }

    /// <summary>Frees the slot of an item of <paramref name="lane"/> that finished.</summary>
    public void Finished(string lane)
    {
        var state = _lanes[lane];
        state.Running--;
        Running--;
    }

    private sealed class Lane
    {
        public Queue<T> Waiting { get; } = new();

        public int Running { get; set; }
    }
}
