using System.Diagnostics.Metrics;
using NodaTime;
using Opportunity.Routing;

namespace Opportunity.Diagnostics;

/// <summary>The lead distribution's and due work's instruments on the meter <see cref="OpportunityTelemetry.MeterName"/>.</summary>
internal sealed class WorkflowMetrics
{
    private static readonly WorkflowMetrics Shared = new(OpportunityTelemetry.CreateMeter(null));

    private readonly Counter<long> _decisions;
    private readonly Counter<long> _unroutable;
    private readonly Histogram<double> _routingDuration;
    private readonly Histogram<double> _dueWorkLag;
    private readonly Counter<long> _quarantined;

    private WorkflowMetrics(Meter meter)
    {
        _decisions = meter.CreateCounter<long>("opportunity.routing.decisions", "{decision}", "Routing decisions, by outcome (assigned, broadcast, unroutable).");
        _unroutable = meter.CreateCounter<long>("opportunity.routing.unroutable", "{lead}", "Leads no partner matched; they wait in the manufacturer's queue.");
        _routingDuration = meter.CreateHistogram<double>("opportunity.routing.duration", "s", "Time to route one lead: rules, network, load and the save.");
        _dueWorkLag = meter.CreateHistogram<double>("opportunity.due_work.lag", "s", "How late due work ran: processing time minus the item's due time.");
        _quarantined = meter.CreateCounter<long>("opportunity.store.quarantined", "{record}", "Records a store set aside because it could not read them.");
    }

    /// <summary>The instruments on DI's meter when a factory is given, else on the process-wide meter.</summary>
    public static WorkflowMetrics For(IMeterFactory? meterFactory) =>
        meterFactory is null ? Shared : new WorkflowMetrics(OpportunityTelemetry.CreateMeter(meterFactory));

    // No tenant tag on instruments: one time series per tenant would not scale; spans carry it.
    public void Decided(RoutingOutcome outcome)
    {
        _decisions.Add(1, new KeyValuePair<string, object?>(TelemetryTags.Outcome, Outcome(outcome)));
        if (outcome == RoutingOutcome.Unroutable)
        {
            _unroutable.Add(1);
        }
    }

    public void RoutingDuration(string outcome, TimeSpan elapsed) =>
        _routingDuration.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>(TelemetryTags.Outcome, outcome));

    public void DueWorkLag(string kind, Duration lag) =>
        _dueWorkLag.Record(Math.Max(0, lag.TotalSeconds), new KeyValuePair<string, object?>(TelemetryTags.RecordKind, kind));

    public void Quarantined(string kind) => _quarantined.Add(1, new KeyValuePair<string, object?>(TelemetryTags.RecordKind, kind));

    /// <summary>The lowercase outcome name used in tags and logs.</summary>
    public static string Outcome(RoutingOutcome outcome) => outcome switch
    {
        RoutingOutcome.Assigned => "assigned",
        RoutingOutcome.Unroutable => "unroutable",
        _ => "broadcast",
    };
}
