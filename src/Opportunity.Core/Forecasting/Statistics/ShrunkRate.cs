namespace Opportunity.Forecasting;

/// <summary>
/// A success rate shrunk toward a prior mean with a Beta prior: with <c>s</c> successes in
/// <c>n</c> trials, prior mean <c>m</c> and strength <c>k</c>, the posterior is
/// Beta(s + k·m, n − s + k·(1 − m)) and the estimate its mean (s + k·m) ÷ (n + k). Small samples stay
/// near the prior; large ones follow their own data. <see cref="Lower"/> and <see cref="Upper"/>
/// bound the equal-tailed 90% credible interval.
/// </summary>
/// <param name="Successes">Successes observed.</param>
/// <param name="Trials">Trials observed.</param>
/// <param name="Raw">Successes ÷ trials; null without trials.</param>
/// <param name="Estimate">The shrunk estimate (posterior mean).</param>
/// <param name="Lower">5% quantile of the posterior.</param>
/// <param name="Upper">95% quantile of the posterior.</param>
public sealed record ShrunkRate(long Successes, long Trials, double? Raw, double Estimate, double Lower, double Upper)
{
    /// <summary>Shrinks <paramref name="successes"/> of <paramref name="trials"/> toward <paramref name="priorMean"/> with strength <paramref name="priorStrength"/> (pseudo-trials).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Negative counts, successes above trials, prior mean outside [0, 1] or strength not positive.</exception>
    public static ShrunkRate Create(long successes, long trials, double priorMean, double priorStrength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(successes);
        ArgumentOutOfRangeException.ThrowIfLessThan(trials, successes);
        if (double.IsNaN(priorMean) || priorMean is < 0 or > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(priorMean), priorMean, "A prior mean is a probability.");
        }

        if (double.IsNaN(priorStrength) || priorStrength <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(priorStrength), priorStrength, "Prior strength must be positive.");
        }

        // Keep both shape parameters positive even for a prior mean of exactly 0 or 1.
        var mean = Math.Clamp(priorMean, 1e-6, 1 - 1e-6);
        var a = successes + (priorStrength * mean);
        var b = trials - successes + (priorStrength * (1 - mean));
        return new ShrunkRate(
            successes,
            trials,
            trials == 0 ? null : successes / (double)trials,
            (successes + (priorStrength * priorMean)) / (trials + priorStrength),
            BetaDistribution.Quantile(0.05, a, b),
            BetaDistribution.Quantile(0.95, a, b));
    }
}
