namespace Opportunity;

/// <summary>
/// A partner recorded an activity on a lead or opportunity (see <see cref="DomainEvent.AggregateKind"/>);
/// the follow-up clock restarts from the latest activity. Notes recorded with <c>RecordActivity(note, …)</c>
/// raise it too (kind <see cref="SalesActivityKind.Note"/>).
/// </summary>
/// <param name="Activity">The activity as stored.</param>
public sealed record SalesActivityRecorded(SalesActivity Activity) : DomainEvent;
