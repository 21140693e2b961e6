namespace Opportunity.Routing;

/// <summary>What a filter says about one partner: keep it, or remove it with a reason.</summary>
public readonly record struct FilterVerdict
{
    private FilterVerdict(bool removed, RoutingNote reason)
    {
        IsRemoved = removed;
        Reason = reason;
    }

    /// <summary>The partner stays a candidate.</summary>
    public static FilterVerdict Keep => default;

    /// <summary>True when the partner is removed.</summary>
    public bool IsRemoved { get; }

    /// <summary>Why it is removed; empty when kept.</summary>
    public RoutingNote Reason { get; }

    /// <summary>
    /// Removes the partner. The reason is a composite format: <c>{0}</c>, <c>{1}</c> numbers,
    /// <c>{2}</c> text, formatted only when the trace is read.
    /// </summary>
    public static FilterVerdict Remove(string reason, double arg0 = 0, double arg1 = 0, string? text = null) =>
        new(true, new RoutingNote(reason, arg0, arg1, text));
}
