using NodaTime;
using Opportunity.Leads;

namespace Opportunity.Core.Tests.Leads;

public sealed class LeadEventSerializationTests
{
    private static readonly PartnerId A = new("P-a");
    private static readonly Instant At = Instant.FromUtc(2025, 3, 4, 10, 0);

    public static TheoryData<DomainEvent> Events() =>
    [
        new LeadOffered([A, new PartnerId("P-b")], At),
        new LeadOffersWithdrawn([new PartnerId("P-b")], A),
        new AcceptanceReminderDue(A, 0, At),
        new LeadEscalated(A, 1, "cm@acme.example", At),
        new LeadEscalated(A, 1, null, At),
        new LeadActivityRecorded("called"),
        new LeadDuplicateDetected(new LeadId("L-0"), new OpportunityId("O-1"), A, "company, phone"),
        new DealRegistered(A),
        new DealRegistrationApproved(A),
        new DealRegistrationRejected(A, "conflict"),
        new FollowUpRequested(A, 3, At),
    ];

    [Theory]
    [MemberData(nameof(Events))]
    public void Serialize_ThenDeserialize_GivesTheSameEvent(DomainEvent domainEvent)
    {
        var stamped = domainEvent with { Tenant = new TenantId("acme"), AggregateKind = "Lead", AggregateId = "L-1", Sequence = 7, OccurredAt = At, Actor = "system" };

        var json = DomainEventSerializer.Serialize(stamped);
        var back = DomainEventSerializer.Deserialize(stamped.EventType, json);

        Assert.Equal(stamped.GetType(), back.GetType());
        Assert.Equal(json, DomainEventSerializer.Serialize(back)); // lists compare by reference, so compare the JSON
        Assert.Equal("Lead/L-1/7@acme", back.EventId);
    }
}
