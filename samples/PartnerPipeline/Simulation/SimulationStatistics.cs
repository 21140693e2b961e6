namespace PartnerPipeline.Simulation;

/// <summary>What happened during the simulated quarter (routing and escalation statistics).</summary>
internal sealed class SimulationStatistics
{
    public int LeadsCaptured { get; set; }

    public int DuplicatesLinked { get; set; }

    public int RoutedOnCapture { get; set; }

    public int UnroutableOnCapture { get; set; }

    public int Accepted { get; set; }

    public int Rejected { get; set; }

    public int AcceptedTooLate { get; set; }

    public int Reminders { get; set; }

    public int Escalations { get; set; }

    public int Recalls { get; set; }

    public int Rerouted { get; set; }

    public int UnroutableAfterRecall { get; set; }

    public int FollowUps { get; set; }

    public int QueueRetries { get; set; }

    public int LeadsRecycled { get; set; }

    public int WonAfterRecycling { get; set; }

    public int RegistrationsMade { get; set; }

    public int RegistrationsApproved { get; set; }

    public int RegistrationsRejected { get; set; }

    public int RegistrationWarnings { get; set; }

    public int RegistrationsExpired { get; set; }

    public int OpportunitiesOpened { get; set; }

    public int Activities { get; set; }

    public int NextSteps { get; set; }

    public int Won { get; set; }

    public int Lost { get; set; }

    public IReadOnlyList<KeyValuePair<string, string>> AsRows() =>
    [
        new("Leads captured", LeadsCaptured.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)),
        new("  linked to an existing deal (duplicate)", DuplicatesLinked.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)),
        new("  routed to a partner at capture", RoutedOnCapture.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)),
        new("  unroutable at capture (manufacturer queue)", UnroutableOnCapture.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)),
        new("Offers accepted", Accepted.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)),
        new("Offers rejected (re-routed)", Rejected.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)),
        new("Acceptances after recall (refused)", AcceptedTooLate.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)),
        new("Reminders sent (step 1)", Reminders.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)),
        new("Channel-manager escalations (step 2)", Escalations.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)),
        new("Recalls (step 3)", Recalls.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)),
        new("  re-routed after recall", Rerouted.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)),
        new("  unroutable after recall", UnroutableAfterRecall.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)),
        new("Queue retries (unroutable leads routed again)", QueueRetries.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)),
        new("Follow-up requests", FollowUps.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)),
        new("Partner activities logged (calls, meetings, e-mails)", Activities.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)),
        new("  next steps agreed", NextSteps.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)),
        new("Deals registered by partners", RegistrationsMade.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)),
        new("  approved (protected)", RegistrationsApproved.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)),
        new("  rejected", RegistrationsRejected.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)),
        new("  warned before the protection ends", RegistrationWarnings.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)),
        new("  expired unconverted", RegistrationsExpired.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)),
        new("Opportunities opened", OpportunitiesOpened.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)),
        new("  closed won", Won.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)),
        new("  closed lost", Lost.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)),
        new("Leads recycled (lost deals back to nurture)", LeadsRecycled.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)),
        new("  won after recycling", WonAfterRecycling.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)),
    ];
}
