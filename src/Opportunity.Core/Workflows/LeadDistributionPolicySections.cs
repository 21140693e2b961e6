using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using NodaTime;
using NodaTime.Text;
using Opportunity.Configuration;
using Opportunity.Leads;
using Opportunity.Partners;

namespace Opportunity.Workflows;

/// <summary>
/// Reads the immutable policies of <see cref="LeadDistributionOptions"/> — <c>Escalation</c>,
/// <c>FollowUps</c>, <c>Privacy</c>, <c>Duplicates</c>, <c>FallbackCalendar</c>, <c>Registrations</c> — from their
/// configuration sections, which the binder cannot construct. Keys present replace what code or
/// defaults set; keys absent keep it, as the binder does for the other options. All failures of
/// one build are reported together, each with its key path, as one <see cref="OptionsValidationException"/>
/// at start; after a successful start a broken edit keeps the last good policies and is logged, so
/// a typo never breaks the routing that reads the reloaded options.
/// </summary>
internal sealed class LeadDistributionPolicySections : IConfigureOptions<LeadDistributionOptions>
{
    /// <summary>The sections this class reads; the binder must not see them.</summary>
    public static readonly string[] Names =
    [
        nameof(LeadDistributionOptions.Escalation), nameof(LeadDistributionOptions.FollowUps), nameof(LeadDistributionOptions.Privacy),
        nameof(LeadDistributionOptions.Duplicates), nameof(LeadDistributionOptions.FallbackCalendar), nameof(LeadDistributionOptions.Registrations),
        nameof(LeadDistributionOptions.Recycling),
    ];

    private static readonly LocalTimePattern[] Times = [LocalTimePattern.CreateWithInvariantCulture("HH:mm"), LocalTimePattern.ExtendedIso];
    private static readonly LocalDatePattern Date = LocalDatePattern.Iso;
    private static readonly IsoDayOfWeek[] Weekdays = [.. Enum.GetValues<IsoDayOfWeek>().Where(d => d != IsoDayOfWeek.None)];

    private readonly IConfiguration _configuration;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private Policies? _lastGood;

    public LeadDistributionPolicySections(IConfiguration configuration, IServiceProvider services)
    {
        _configuration = configuration;
        _logger = services.GetService<ILogger<LeadDistributionPolicySections>>() ?? (ILogger)NullLogger.Instance;
    }

    public void Configure(LeadDistributionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        var section = ConfigurationReader.For(_configuration, failures);
        var read = new Policies(
            section.Section(Names[0]) is { } escalation ? ReadEscalation(escalation, options.Escalation) : options.Escalation,
            section.Section(Names[1]) is { } followUps ? ReadFollowUps(followUps, options.FollowUps) : options.FollowUps,
            section.Section(Names[2]) is { } privacy ? ReadPrivacy(privacy, options.Privacy) : options.Privacy,
            section.Section(Names[3]) is { } duplicates ? ReadDuplicates(duplicates, options.Duplicates) : options.Duplicates,
            section.Section(Names[4]) is { } calendar ? ReadCalendar(calendar, options.FallbackCalendar) : options.FallbackCalendar,
            section.Section(Names[5]) is { } registrations ? ReadRegistrations(registrations, options.Registrations) : options.Registrations)
        {
            Recycling = section.Section(Names[6]) is { } recycling ? ReadRecycling(recycling, options.Recycling) : options.Recycling,
        };

        lock (_gate)
        {
            if (failures.Count > 0 && _lastGood is null)
            {
                throw new OptionsValidationException(Options.DefaultName, typeof(LeadDistributionOptions), failures);
            }

            if (failures.Count > 0)
            {
                _logger.LogError("Configuration of lead distribution policies is invalid; the policies loaded before stay in force. {Failures}", string.Join(" ", failures));
                read = _lastGood!;
            }

            _lastGood = read;
        }

        options.Escalation = read.Escalation!;
        options.FollowUps = read.FollowUps!;
        options.Privacy = read.Privacy!;
        options.Duplicates = read.Duplicates!;
        options.FallbackCalendar = read.FallbackCalendar!;
        options.Registrations = read.Registrations!;
        options.Recycling = read.Recycling;
    }

    /// <summary><c>{ "Default": [steps], "ByTier": { "Gold": [steps] } }</c>; a step is <c>{ "After": "PT4H", "Action": "RemindPartner" }</c>.</summary>
    private static EscalationPolicy? ReadEscalation(ConfigurationReader section, EscalationPolicy current)
    {
        section.Allow("Default", "ByTier");
        var defaultLadder = section.Section("Default") is { } ladder ? ReadLadder(ladder) : current.DefaultLadder;
        var byTier = new Dictionary<string, EscalationLadder?>(current.ByTier.ToDictionary(kv => kv.Key, kv => (EscalationLadder?)kv.Value), StringComparer.OrdinalIgnoreCase);
        foreach (var tier in section.Section("ByTier")?.Children() ?? [])
        {
            byTier[tier.Key] = ReadLadder(tier);
        }

        return defaultLadder is null || byTier.Values.Any(l => l is null)
            ? null
            : section.Create(null, () => new EscalationPolicy(defaultLadder, byTier.ToDictionary(kv => kv.Key, kv => kv.Value!)));
    }

    private static EscalationLadder? ReadLadder(ConfigurationReader ladder)
    {
        var steps = new List<EscalationStep?>();
        foreach (var step in ladder.Children())
        {
            step.Allow(nameof(EscalationStep.After), nameof(EscalationStep.Action));
            var after = step.Duration(nameof(EscalationStep.After));
            var action = step.Enum<EscalationAction>(nameof(EscalationStep.Action));
            if (after is null && !step.Has(nameof(EscalationStep.After)))
            {
                step.Fail(nameof(EscalationStep.After), "required.");
            }

            if (action is null && !step.Has(nameof(EscalationStep.Action)))
            {
                step.Fail(nameof(EscalationStep.Action), "required.");
            }

            steps.Add(after is { } a && action is { } x ? step.Create(nameof(EscalationStep.After), () => new EscalationStep(a, x)) : null);
        }

        return steps.Any(s => s is null) ? null : ladder.Create(null, () => new EscalationLadder(steps!));
    }

    private static FollowUpPolicy? ReadFollowUps(ConfigurationReader section, FollowUpPolicy current)
    {
        section.Allow(nameof(FollowUpPolicy.Enabled), nameof(FollowUpPolicy.Inactivity), nameof(FollowUpPolicy.Repeat));
        var enabled = section.Bool(nameof(FollowUpPolicy.Enabled));
        var inactivity = section.Duration(nameof(FollowUpPolicy.Inactivity));
        var repeat = section.Duration(nameof(FollowUpPolicy.Repeat));
        var policy = section.Create(nameof(FollowUpPolicy.Inactivity), () => current with { Inactivity = inactivity ?? current.Inactivity });
        policy = policy is null ? null : section.Create(nameof(FollowUpPolicy.Repeat), () => policy with { Repeat = repeat ?? current.Repeat });
        return policy is null ? null : policy with { Enabled = enabled ?? current.Enabled };
    }

    /// <summary>Each key is checked on its own, so every bad key is reported (a failure fails the build of all policies).</summary>
    private static DealRegistrationPolicy ReadRegistrations(ConfigurationReader section, DealRegistrationPolicy current)
    {
        section.Allow(
            nameof(DealRegistrationPolicy.ApprovalDeadline), nameof(DealRegistrationPolicy.ProtectionPeriod), nameof(DealRegistrationPolicy.ExpiryWarning),
            nameof(DealRegistrationPolicy.ExtensionPeriod), nameof(DealRegistrationPolicy.MaxExtensions), nameof(DealRegistrationPolicy.ConflictRule));
        var policy = current with { ConflictRule = section.Enum<RegistrationConflictRule>(nameof(DealRegistrationPolicy.ConflictRule)) ?? current.ConflictRule };
        void Apply<T>(string key, T? value, Func<DealRegistrationPolicy, T, DealRegistrationPolicy> change)
            where T : struct
        {
            if (value is { } v && section.Create(key, () => change(policy, v)) is { } changed)
            {
                policy = changed;
            }
        }

        Apply(nameof(DealRegistrationPolicy.ApprovalDeadline), section.Duration(nameof(DealRegistrationPolicy.ApprovalDeadline)), static (p, v) => p with { ApprovalDeadline = v });
        Apply(nameof(DealRegistrationPolicy.ProtectionPeriod), section.Duration(nameof(DealRegistrationPolicy.ProtectionPeriod)), static (p, v) => p with { ProtectionPeriod = v });
        Apply(nameof(DealRegistrationPolicy.ExpiryWarning), section.Duration(nameof(DealRegistrationPolicy.ExpiryWarning)), static (p, v) => p with { ExpiryWarning = v });
        Apply(nameof(DealRegistrationPolicy.ExtensionPeriod), section.Duration(nameof(DealRegistrationPolicy.ExtensionPeriod)), static (p, v) => p with { ExtensionPeriod = v });
        Apply(nameof(DealRegistrationPolicy.MaxExtensions), section.Int(nameof(DealRegistrationPolicy.MaxExtensions)), static (p, v) => p with { MaxExtensions = v });
        return policy;
    }

    /// <summary><c>{ "MaxRecycles": 2, "Cooldown": "PT80H", "QueueRetry": "PT40H" }</c>; each key checked on its own.</summary>
    private static LeadRecyclingPolicy ReadRecycling(ConfigurationReader section, LeadRecyclingPolicy current)
    {
        section.Allow(nameof(LeadRecyclingPolicy.MaxRecycles), nameof(LeadRecyclingPolicy.Cooldown), nameof(LeadRecyclingPolicy.QueueRetry));
        var policy = current;
        if (section.Int(nameof(LeadRecyclingPolicy.MaxRecycles)) is { } max && section.Create(nameof(LeadRecyclingPolicy.MaxRecycles), () => policy with { MaxRecycles = max }) is { } a)
        {
            policy = a;
        }

        if (section.Duration(nameof(LeadRecyclingPolicy.Cooldown)) is { } cooldown && section.Create(nameof(LeadRecyclingPolicy.Cooldown), () => policy with { Cooldown = cooldown }) is { } b)
        {
            policy = b;
        }

        if (section.Duration(nameof(LeadRecyclingPolicy.QueueRetry)) is { } retry && section.Create(nameof(LeadRecyclingPolicy.QueueRetry), () => policy with { QueueRetry = retry }) is { } c)
        {
            policy = c;
        }

        return policy;
    }

    private static LeadPrivacyPolicy? ReadPrivacy(ConfigurationReader section, LeadPrivacyPolicy current)
    {
        section.Allow(nameof(LeadPrivacyPolicy.VisibleBeforeAcceptance), nameof(LeadPrivacyPolicy.PostalAreaLength));
        var visible = section.Flags<LeadField>(nameof(LeadPrivacyPolicy.VisibleBeforeAcceptance));
        var postalAreaLength = section.Int(nameof(LeadPrivacyPolicy.PostalAreaLength));
        return section.Create(nameof(LeadPrivacyPolicy.PostalAreaLength), () => current with
        {
            VisibleBeforeAcceptance = visible ?? current.VisibleBeforeAcceptance,
            PostalAreaLength = postalAreaLength ?? current.PostalAreaLength,
        });
    }

    private static DuplicatePolicy? ReadDuplicates(ConfigurationReader section, DuplicatePolicy current)
    {
        section.Allow(nameof(DuplicatePolicy.MatchOn), nameof(DuplicatePolicy.Handling), nameof(DuplicatePolicy.FreeMailDomains));
        var domains = section.Strings(nameof(DuplicatePolicy.FreeMailDomains));
        return current with
        {
            MatchOn = section.Flags<DuplicateMatchKeys>(nameof(DuplicatePolicy.MatchOn)) ?? current.MatchOn,
            Handling = section.Enum<DuplicateHandling>(nameof(DuplicatePolicy.Handling)) ?? current.Handling,
            FreeMailDomains = domains is null ? current.FreeMailDomains : new HashSet<string>(domains.Select(d => d.Trim()), StringComparer.OrdinalIgnoreCase),
        };
    }

    /// <summary>
    /// <c>{ "TimeZone": "Europe/Berlin", "WeeklyHours": { "Monday": [ "09:00-17:00" ] }, "Holidays": [ "2026-12-25" ],
    /// "Overrides": { "2026-12-24": [ "08:00-12:00" ] } }</c>. <c>WeeklyHours</c>, when present, is the
    /// whole week: days not listed are not worked; <c>Overrides</c>, when present, replaces the overrides.
    /// </summary>
    private static BusinessCalendar? ReadCalendar(ConfigurationReader section, BusinessCalendar current)
    {
        section.Allow("TimeZone", nameof(BusinessCalendar.WeeklyHours), nameof(BusinessCalendar.Holidays), nameof(BusinessCalendar.Overrides));
        DateTimeZone? zone = current.Zone;
        if (section.String("TimeZone") is { } zoneId)
        {
            zone = DateTimeZoneProviders.Tzdb.GetZoneOrNull(zoneId.Trim());
            if (zone is null)
            {
                section.Fail("TimeZone", $"'{zoneId}' is not a TZDB time zone id such as 'Europe/Berlin' or 'UTC'.");
            }
        }

        var valid = zone is not null;
        var week = current.WeeklyHours;
        if (section.Section(nameof(BusinessCalendar.WeeklyHours)) is { } weeklyHours)
        {
            var days = new Dictionary<IsoDayOfWeek, IReadOnlyList<WorkingPeriod>>();
            foreach (var day in weeklyHours.Children())
            {
                if (Weekdays.FirstOrDefault(d => string.Equals(d.ToString(), day.Key, StringComparison.OrdinalIgnoreCase)) is var weekday && weekday == IsoDayOfWeek.None)
                {
                    day.Fail(null, "not a weekday; write Monday … Sunday.");
                    valid = false;
                    continue;
                }

                var periods = day.Children().Select(ReadPeriod).ToList();
                valid &= periods.All(p => p is not null);
                days[weekday] = [.. periods.OfType<WorkingPeriod>()];
            }

            week = days;
        }

        var holidays = current.Holidays.ToList();
        if (section.Section(nameof(BusinessCalendar.Holidays)) is { } holidayList)
        {
            holidays.Clear();
            foreach (var holiday in holidayList.Children())
            {
                var text = holiday.Value ?? string.Empty;
                if (Date.Parse(text.Trim()) is { Success: true } date)
                {
                    holidays.Add(date.Value);
                }
                else
                {
                    holiday.Fail(null, $"'{text}' is not a date; write yyyy-MM-dd.");
                    valid = false;
                }
            }
        }

        var overrides = current.Overrides;
        if (section.Section(nameof(BusinessCalendar.Overrides)) is { } overrideList)
        {
            var dates = new Dictionary<LocalDate, IReadOnlyList<WorkingPeriod>>();
            foreach (var day in overrideList.Children())
            {
                if (Date.Parse(day.Key.Trim()) is not { Success: true } date)
                {
                    day.Fail(null, $"'{day.Key}' is not a date; write yyyy-MM-dd.");
                    valid = false;
                    continue;
                }

                var periods = day.Children().Select(ReadPeriod).ToList();
                valid &= periods.All(p => p is not null);
                dates[date.Value] = [.. periods.OfType<WorkingPeriod>()];
            }

            overrides = dates;
        }

        return valid ? section.Create(nameof(BusinessCalendar.WeeklyHours), () => new BusinessCalendar(zone!, week, holidays, overrides)) : null;
    }

    /// <summary>
    /// A working period written <c>"09:00-17:00"</c>; <c>"08:00-24:00"</c> ends at midnight, and an end
    /// before the start runs overnight (<c>"22:00-06:00"</c>).
    /// </summary>
    private static WorkingPeriod? ReadPeriod(ConfigurationReader period)
    {
        var text = period.Value ?? string.Empty;
        var parts = text.Split('-', StringSplitOptions.TrimEntries);
        if (parts.Length == 2 && ParseTime(parts[0]) is { } start && (parts[1] == "24:00" ? LocalTime.Midnight : ParseTime(parts[1])) is { } end)
        {
            return new WorkingPeriod(start, end);
        }

        period.Fail(null, $"'{text}' is not a working period; write 'HH:mm-HH:mm', e.g. '09:00-17:00', '08:00-24:00' or overnight '22:00-06:00'.");
        return null;
    }

    private static LocalTime? ParseTime(string text) =>
        Times.Select(p => p.Parse(text)).FirstOrDefault(r => r.Success) is { } parsed ? parsed.Value : null;

    /// <summary>What this class reads; null where a section failed.</summary>
    private sealed record Policies(EscalationPolicy? Escalation, FollowUpPolicy? FollowUps, LeadPrivacyPolicy? Privacy, DuplicatePolicy? Duplicates, BusinessCalendar? FallbackCalendar, DealRegistrationPolicy? Registrations)
    {
        public LeadRecyclingPolicy Recycling { get; init; } = LeadRecyclingPolicy.Default;
    }
}
