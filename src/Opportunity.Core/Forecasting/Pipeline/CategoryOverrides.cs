namespace Opportunity.Forecasting;

/// <summary>
/// The rows whose forecast category differs from their run's first row's (a run of the clustered index has one
/// stage, and the category follows the stage but for the deals that override it), in row order, each with that
/// first row's category. Built once per snapshot, on the first partner × forecast category grouping (23 bytes per
/// such row), so that grouping sums each run whole under its first row's category and then moves only these
/// rows, instead of comparing every run's categories on every call.
/// </summary>
internal sealed class CategoryOverrides
{
    private CategoryOverrides(int[] rows, byte[] runCategory, byte[] category, byte[] firstCategoryOfRun, byte[] currencyOfRun, PipelineColumns c)
    {
        Rows = rows;
        Amount = [.. rows.Select(row => c.Amount[row])];
        Weighted = [.. rows.Select(row => c.Amount[row] * c.BasisPoints[row])];
        Currency = [.. rows.Select(row => c.Currency[row])];
        RunCategory = runCategory;
        Category = category;
        FirstCategoryOfRun = firstCategoryOfRun;
        CurrencyOfRun = currencyOfRun;
    }

    /// <summary>The rows, ascending.</summary>
    public int[] Rows { get; }

    /// <summary>The category of each row's run's first row (the one its run is summed under).</summary>
    public byte[] RunCategory { get; }

    /// <summary>Each row's own category: read in row order with <see cref="Rows"/>, not from the category column at scattered rows.</summary>
    public byte[] Category { get; }

    /// <summary>
    /// Each row's amount, weighted value (amount × basis points) and currency, in row order with <see cref="Rows"/>:
    /// moving a row reads three arrays in order instead of three columns at scattered rows (a large partner's rows
    /// have left the cache by the time its runs are summed).
    /// </summary>
    public long[] Amount { get; }

    /// <inheritdoc cref="Amount"/>
    public long[] Weighted { get; }

    /// <inheritdoc cref="Amount"/>
    public byte[] Currency { get; }

    /// <summary>
    /// Per run of the clustered index, its first row's category and its currency: what the roll-up sums a run under,
    /// read as two small arrays in run order instead of two bytes of the category and currency columns per run, which
    /// fetch most of those columns' cache lines (a run is some 25 rows).
    /// </summary>
    public byte[] FirstCategoryOfRun { get; }

    /// <inheritdoc cref="FirstCategoryOfRun"/>
    public byte[] CurrencyOfRun { get; }

    public long Bytes => (Rows.Length * (sizeof(int) + sizeof(byte) + sizeof(byte) + sizeof(long) + sizeof(long) + sizeof(byte))) + FirstCategoryOfRun.Length + CurrencyOfRun.Length;

    public static CategoryOverrides Create(PipelineColumns c)
    {
        var recorder = new Recorder([], []);
        var runs = c.RunStart;
        var firstCategory = new byte[runs.Length - 1];
        var currency = new byte[runs.Length - 1];
        for (var r = 0; r + 1 < runs.Length; r++)
        {
            int first = firstCategory[r] = c.Category[runs[r]];
            currency[r] = c.Currency[runs[r]];
            PipelineAggregator.MoveExceptions(c.Category, ref recorder, 1, runs[r], runs[r + 1], first);
        }

        var rows = recorder.Rows.ToArray();
        return new CategoryOverrides(rows, [.. recorder.RunCategories], [.. rows.Select(row => c.Category[row])], firstCategory, currency, c);
    }

    /// <summary>Records each row "moved" from its run's category (the from index, with one currency).</summary>
    private readonly struct Recorder(List<int> rows, List<byte> runCategories) : PipelineAggregator.IRowMover
    {
        public List<int> Rows => rows;

        public List<byte> RunCategories => runCategories;

        public void Move(int row, int from, int to)
        {
            rows.Add(row);
            runCategories.Add((byte)from);
        }
    }
}
