namespace Opportunity.Workflows;

/// <summary>When <see cref="ForecastSnapshotScheduler"/> takes a tenant's node snapshots.</summary>
public enum ForecastSnapshotCadence
{
    /// <summary>Every week on <see cref="ForecastSnapshotScheduleOptions.DayOfWeek"/> at <see cref="ForecastSnapshotScheduleOptions.TimeOfDay"/>.</summary>
    Weekly = 0,

    /// <summary>On the first day of every period (<see cref="ForecastSnapshotScheduleOptions.Period"/>) at <see cref="ForecastSnapshotScheduleOptions.TimeOfDay"/>.</summary>
    PeriodStart = 1,
}
