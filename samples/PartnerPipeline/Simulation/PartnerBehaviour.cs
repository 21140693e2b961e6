namespace PartnerPipeline.Simulation;

/// <summary>How one simulated partner reacts: how fast it accepts, how often it rejects or stays silent, how well it sells.</summary>
internal sealed record PartnerBehaviour(double AcceptShare, double RejectShare, double MedianHoursToReact, double WinRate)
{
    public static PartnerBehaviour Draw(Random random)
    {
        var engagement = random.NextDouble();
        var accept = 0.45 + (0.45 * engagement);
        var reject = (1 - accept) * (0.3 + (0.5 * random.NextDouble()));
        return new PartnerBehaviour(accept, reject, 1 + (14 * (1 - engagement) * random.NextDouble()), 0.2 + (0.5 * random.NextDouble()));
    }
}
