using NodaTime;

namespace Opportunity.Kpis;

/// <summary>The network-wide figures partners are shrunk toward (pooled over all partners; 0.5 for a rate without any data).</summary>
/// <param name="LeadsReceived">Offers made.</param>
/// <param name="AcceptanceRate">Pooled acceptance rate.</param>
/// <param name="SlaBreachRate">Pooled SLA breach rate.</param>
/// <param name="Conversion">Pooled lead → won conversion.</param>
/// <param name="WinRate">Pooled win rate.</param>
/// <param name="MedianTimeToAcceptBusiness">Median business time to accept over all accepted offers.</param>
/// <param name="MedianTimeToAcceptWall">Median wall time to accept.</param>
/// <param name="AverageDealSize">Mean won amount over all partners.</param>
public sealed record NetworkKpis(int LeadsReceived, double AcceptanceRate, double SlaBreachRate, double Conversion, double WinRate, Duration? MedianTimeToAcceptBusiness, Duration? MedianTimeToAcceptWall, Money? AverageDealSize);
