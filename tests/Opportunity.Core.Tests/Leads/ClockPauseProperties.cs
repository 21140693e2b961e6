using FsCheck.Xunit;
using NodaTime;
using NodaTime.Testing;
using Opportunity.Core.Tests.Partners;
using Opportunity.Leads;
using Opportunity.Partners;

namespace Opportunity.Core.Tests.Leads;

/// <summary>
/// Pausing and resuming an SLA clock on random calendars (night shifts, 24:00 ends, overrides, holidays,
/// DST in five zones): every pending due time moves by exactly the pause's working time.
/// </summary>
public sealed class ClockPauseProperties
{
    [Property(MaxTest = 300)]
    public bool ResumeClock_AfterPauseOfWorkingTimeD_MovesEveryDueTimeByExactlyD(int seed)
    {
        var (calendar, start, random) = BusinessCalendarProperties.Scenario(seed);
        var clock = new FakeClock(start);
        var lead = Lead.Capture(new TenantId("t"), new LeadId("L-1"), new LeadDetails { Source = "web" }, "system", clock);
        lead.Qualify(LeadQualification.Full, "system", clock);
        lead.Assign(new PartnerId("P-1"), calendar.AddWorkingTime(start, Duration.FromHours(24)), "router", clock);
        lead.ScheduleNextDue(start + Duration.FromMinutes(random.Next(0, 60 * 24 * 5)));
        var before = (Due: lead.NextDueAt!.Value, Deadline: lead.AcceptanceDeadline!.Value, Assigned: lead.AssignedAt!.Value);

        clock.Advance(Duration.FromMinutes(random.Next(0, 60 * 24 * 3)));
        var pausedAt = clock.GetCurrentInstant();
        lead.PauseClock("waiting on the customer", "sales", clock);
        clock.Advance(Duration.FromMinutes(random.Next(0, 60 * 24 * 6)));
        var resumedAt = clock.GetCurrentInstant();
        var d = lead.ResumeClock(calendar, "sales", clock);

        return d == calendar.WorkingTimeBetween(pausedAt, resumedAt)
            && Moved(calendar, before.Due, lead.NextDueAt!.Value, d, pausedAt, resumedAt)
            && Moved(calendar, before.Deadline, lead.AcceptanceDeadline!.Value, d, pausedAt, resumedAt)
            && Moved(calendar, before.Assigned, lead.AssignedAt!.Value, d, pausedAt, resumedAt)
            && lead.AssignedAt <= resumedAt;
    }

    // Later by exactly d of working time; a due time not yet reached at the pause keeps the working time it had left.
    private static bool Moved(IBusinessCalendar calendar, Instant old, Instant moved, Duration d, Instant pausedAt, Instant resumedAt) =>
        moved >= old
        && calendar.WorkingTimeBetween(old, moved) == d
        && (old < pausedAt || calendar.WorkingTimeBetween(resumedAt, moved) == calendar.WorkingTimeBetween(pausedAt, old));
}
