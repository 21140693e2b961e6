namespace Opportunity.Routing;

/// <summary>Per-thread working memory of the routing engine, so a decision allocates only its result.</summary>
internal sealed class RoutingScratch
{
    [ThreadStatic]
    private static RoutingScratch? t_cached;

    public CandidateBuffer Candidates { get; } = new();

    public RoutingCandidate[] Ranked { get; private set; } = new RoutingCandidate[64];

    public RoutingTraceEntry[] Entries { get; private set; } = new RoutingTraceEntry[128];

    public int[] EntrySteps { get; private set; } = new int[128];

    public int EntryCount { get; private set; }

    public StepStats[] Steps { get; private set; } = new StepStats[16];

    public static RoutingScratch Rent()
    {
        var scratch = t_cached ?? new RoutingScratch();
        t_cached = null; // a rule that routes re-entrantly gets its own scratch
        scratch.EntryCount = 0;
        scratch.Candidates.Clear();
        return scratch;
    }

    public static void Return(RoutingScratch scratch) => t_cached = scratch;

    public void PrepareSteps(int count)
    {
        if (Steps.Length < count)
        {
            Steps = new StepStats[count];
        }

        Array.Clear(Steps, 0, count);
    }

    public Span<RoutingCandidate> RankedSpan(int count)
    {
        if (Ranked.Length < count)
        {
            Ranked = new RoutingCandidate[Math.Max(count, Ranked.Length * 2)];
        }

        return Ranked.AsSpan(0, count);
    }

    public void AddEntry(int step, in RoutingTraceEntry entry)
    {
        if (EntryCount == Entries.Length)
        {
            var entries = Entries;
            var steps = EntrySteps;
            Array.Resize(ref entries, EntryCount * 2);
            Array.Resize(ref steps, EntryCount * 2);
            Entries = entries;
            EntrySteps = steps;
        }

        Entries[EntryCount] = entry;
        EntrySteps[EntryCount++] = step;
    }

    internal struct StepStats
    {
        public RoutingStepRole Role;
        public IRoutingRule? Rule;
        public double Weight;
        public int Before;
        public int After;
        public int Entries;
        public RoutingNote Note;
    }
}
