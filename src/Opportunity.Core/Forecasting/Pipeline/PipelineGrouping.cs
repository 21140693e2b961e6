namespace Opportunity.Forecasting;

/// <summary>
/// How to group pipeline totals: not at all (one total), by one dimension, or by a pair.
/// Totals are always split by currency as well; a report converts them to one currency.
/// </summary>
public readonly record struct PipelineGrouping
{
    private PipelineGrouping(PipelineDimension? first, PipelineDimension? second)
    {
        First = first;
        Second = second;
    }

    /// <summary>The first (outer) dimension; null for the grand total.</summary>
    public PipelineDimension? First { get; }

    /// <summary>The second (inner) dimension; null for a single-dimension grouping.</summary>
    public PipelineDimension? Second { get; }

    /// <summary>No grouping: one total (per currency).</summary>
    public static PipelineGrouping Total => default;

    /// <summary>Groups by one dimension.</summary>
    public static PipelineGrouping By(PipelineDimension dimension)
    {
        CheckDefined(dimension, nameof(dimension));
        return new(dimension, null);
    }

    /// <summary>Groups by a pair: <paramref name="first"/> outer, <paramref name="second"/> inner.</summary>
    /// <exception cref="ArgumentException">The two dimensions are the same.</exception>
    public static PipelineGrouping By(PipelineDimension first, PipelineDimension second)
    {
        CheckDefined(first, nameof(first));
        CheckDefined(second, nameof(second));
        if (first == second)
        {
            throw new ArgumentException($"A grouping pair needs two different dimensions, got {first} twice.", nameof(second));
        }

        return new(first, second);
    }

    /// <summary>The grouping's name, e.g. <c>Partner × Stage</c> or <c>Total</c>.</summary>
    public override string ToString() => First is null ? "Total" : Second is null ? First.Value.ToString() : $"{First} × {Second}";

    private static void CheckDefined(PipelineDimension dimension, string name)
    {
        if (!Enum.IsDefined(dimension))
        {
            throw new ArgumentOutOfRangeException(name, dimension, "Unknown pipeline dimension.");
        }
    }
}
