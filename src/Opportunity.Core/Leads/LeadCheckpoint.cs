namespace Opportunity.Leads;

/// <summary>A lead's state and event stream at one moment (<see cref="Lead.Checkpoint"/>), to undo a change a store refused.</summary>
internal readonly record struct LeadCheckpoint(LeadSnapshot State, (long EventCount, int Pending) Events);
