using NodaTime;

namespace Opportunity.Forecasting;

/// <summary>One recorded forecast measured against the actual result.</summary>
/// <param name="TakenOn">When the forecast was taken.</param>
/// <param name="DaysBeforePeriodEnd">Days from the snapshot to the end of the period.</param>
/// <param name="Expected">What it expected.</param>
/// <param name="Error">Expected − actual.</param>
/// <param name="AbsolutePercentageError">|Error| ÷ actual; null when nothing was won.</param>
/// <param name="WithinBand">Whether the actual result lay in [P10, P90].</param>
/// <param name="CommitError">Commit forecast − actual.</param>
/// <param name="BestCaseError">Best-case forecast − actual.</param>
public sealed record ForecastAccuracyLine(LocalDate TakenOn, int DaysBeforePeriodEnd, Money Expected, Money Error, decimal? AbsolutePercentageError, bool WithinBand, Money CommitError, Money BestCaseError);
