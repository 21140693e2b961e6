namespace Opportunity.Workflows;

/// <summary>What one <see cref="DueWorkProcessor.ProcessDueAsync"/> run did.</summary>
public sealed record DueWorkReport
{
    /// <summary>Leads and opportunities claimed and looked at.</summary>
    public int Processed { get; init; }

    /// <summary>Partner reminders fired (escalation steps, one per lead).</summary>
    public int Reminders { get; init; }

    /// <summary>Channel-manager escalations fired (one per lead).</summary>
    public int Escalations { get; init; }

    /// <summary>Leads recalled because the acceptance SLA ran out.</summary>
    public int Recalls { get; init; }

    /// <summary>Recalled leads routed to another partner (or broadcast).</summary>
    public int Rerouted { get; init; }

    /// <summary>Recalled leads nobody qualified for (now in the manufacturer's queue).</summary>
    public int Unroutable { get; init; }

    /// <summary>Follow-up requests sent (leads and opportunities).</summary>
    public int FollowUps { get; init; }

    /// <summary>Deal registrations not decided by their approval deadline, escalated to the channel manager.</summary>
    public int RegistrationEscalations { get; init; }

    /// <summary>Registrants warned that the protection of their registration ends soon.</summary>
    public int RegistrationWarnings { get; init; }

    /// <summary>Approved deal registrations whose protection ended before conversion or extension.</summary>
    public int RegistrationsExpired { get; init; }

    /// <summary>Recycled leads whose cooldown ended, routed again (see <see cref="LeadRecyclingPolicy.Cooldown"/>).</summary>
    public int ReturnedFromNurture { get; init; }

    /// <summary>Unroutable leads of the manufacturer's queue routed again on schedule (see <see cref="LeadRecyclingPolicy.QueueRetry"/>).</summary>
    public int QueueRetries { get; init; }

    /// <summary>Scheduled forecast snapshot runs this pass took (<see cref="ForecastSnapshotScheduler"/>; each run is one tenant's tree, taken by one host).</summary>
    public int ForecastSnapshots { get; init; }

    /// <summary>Items whose save lost a race to another host (version conflict); that host's work stands.</summary>
    public int Conflicts { get; init; }

    /// <summary>Items that failed with an error (logged), scheduled forecast snapshot runs among them (e.g. a tenant's foreign currency without a rate); they stay due and are retried next run.</summary>
    public int Failures { get; init; }

    /// <summary>
    /// Due records the store could not read and set aside instead of returning them (logged with tenant,
    /// kind, id and reason; listed by <see cref="Persistence.IRecordQuarantine"/>); they block nothing else.
    /// </summary>
    public int Quarantined { get; init; }
}
