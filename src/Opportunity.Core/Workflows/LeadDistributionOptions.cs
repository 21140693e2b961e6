using NodaTime;
using Opportunity.Leads;
using Opportunity.Partners;
using Opportunity.Persistence;
using Opportunity.Routing;

namespace Opportunity.Workflows;

/// <summary>Settings of lead distribution (routing, escalation, follow-up, duplicates, privacy). Every member has a documented default.</summary>
public sealed class LeadDistributionOptions
{
    /// <summary>
    /// The rule set routing uses (unless an <see cref="IRoutingRuleSetProvider"/> of your own picks
    /// one per tenant). Default: territory, product line, language, capacity; load balancing;
    /// highest score (ties: longest waiting).
    /// </summary>
    public RoutingRuleSet RuleSet { get; set; } = RoutingRuleSet.Create("default")
        .InTerritory().SellingProductLine().SpeakingLanguage().WithinCapacity()
        .ScoreByLoad()
        .PickHighestScore()
        .Build();

    /// <summary>
    /// Rule sets chosen by the lead (docs/routing.md): the first whose condition the lead meets routes
    /// it. Default null: <see cref="RuleSet"/> routes every lead. A <see cref="RoutingRulesFile"/> with
    /// <c>ruleSets</c> sets it (and <see cref="RuleSet"/> to its last, unconditional rule set).
    /// </summary>
    public RoutingRuleSets? RuleSets { get; set; }

    /// <summary>
    /// A JSON rule set file (the format of <see cref="RoutingRuleSet.FromJson"/>) that replaces
    /// <see cref="RuleSet"/>, e.g. <c>routing.json</c>. A relative path resolves against the host's
    /// content root (<c>IHostEnvironment.ContentRootPath</c>), or the current directory without a
    /// host. Read at start (a broken file fails the start, naming file and line) and again whenever
    /// it changes under the content root or the configuration reloads; routing reads the rules
    /// through <c>IOptionsMonitor</c>, so the next decision uses them without a restart. A broken
    /// edit keeps the last good rules and is logged. Default null: <see cref="RuleSet"/>.
    /// </summary>
    public string? RoutingRulesFile { get; set; }

    /// <summary>Escalation ladders per partner tier. Default: remind after 4, notify the channel manager after 8, recall after 24 working hours.</summary>
    public EscalationPolicy Escalation { get; set; } = EscalationPolicy.Default;

    /// <summary>Follow-up of accepted leads and open opportunities. Default: after 14 days without activity, then weekly.</summary>
    public FollowUpPolicy FollowUps { get; set; } = FollowUpPolicy.Default;

    /// <summary>What partners see before accepting. Default: region, product interest, language, size and source; no company or contact data.</summary>
    public LeadPrivacyPolicy Privacy { get; set; } = LeadPrivacyPolicy.Default;

    /// <summary>Duplicate and channel-conflict detection. Default: company, e-mail domain and phone; duplicates go to the partner already working the deal.</summary>
    public DuplicatePolicy Duplicates { get; set; } = DuplicatePolicy.Default;

    /// <summary>Deal registrations: approval deadline, protection period, expiry warning, extensions, conflict rule. Default: see <see cref="DealRegistrationPolicy.Default"/>.</summary>
    public DealRegistrationPolicy Registrations { get; set; } = DealRegistrationPolicy.Default;

    /// <summary>How leads come back: recycles per lead, cooldown in nurture, retry of the manufacturer's queue. Default: see <see cref="LeadRecyclingPolicy.Default"/>.</summary>
    public LeadRecyclingPolicy Recycling { get; set; } = LeadRecyclingPolicy.Default;

    /// <summary>The calendar used when a partner's record cannot be found. Default: weekdays 09:00–17:00 UTC.</summary>
    public BusinessCalendar FallbackCalendar { get; set; } = BusinessCalendar.WeekdaysNineToFive(DateTimeZone.Utc);

    /// <summary>How long the routing index of a tenant's partners is reused before it is rebuilt from the directory. Default 1 minute; positive.</summary>
    public Duration NetworkRefreshInterval { get; set; } = Duration.FromMinutes(1);

    /// <summary>
    /// How long partner load (open leads, last assignment) read from the store's per-partner counters is
    /// reused before it is read again. Default 10 seconds; positive. It steers routing only: the store
    /// enforces capacity with every lead write, whatever the age of this view.
    /// </summary>
    public Duration LoadRefreshInterval { get; set; } = Duration.FromSeconds(10);

    /// <summary>How often <see cref="KpiPartnerPerformanceProvider"/> recomputes partner KPIs from the stores. Default 1 hour; must be positive.</summary>
    public Duration PerformanceRefreshInterval { get; set; } = Duration.FromHours(1);

    /// <summary>The actor recorded on events the workflow raises by itself. Default <c>system</c>.</summary>
    public string SystemActor { get; set; } = "system";
}
