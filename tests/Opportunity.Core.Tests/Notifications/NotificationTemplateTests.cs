using NodaTime;
using Opportunity.Leads;
using Opportunity.Notifications;
using Opportunity.Pipelines;
using static Opportunity.Core.Tests.Notifications.NotificationTestKit;

namespace Opportunity.Core.Tests.Notifications;

public sealed class NotificationTemplateTests
{
    private static readonly NotificationRecipient Recipient = new("cm@acme.example", NotificationAudience.ChannelManager, "en", "Chris");

    [Fact]
    public void Render_PlaceholdersFromEventContextAndMoney_Filled()
    {
        var template = new NotificationTemplate("OpportunityClosed", NotificationAudience.ChannelManager, "EN",
            "{aggregateId} closed {outcome} at {amount}", "{{literal}} {amount.currency} for {recipientName} ({audience}) in {tenant}, {occurredAt}, {missing}.");
        var e = Event(Stamp(new OpportunityClosed(StageKind.Won, "Closed won", "signed", new Money(250000m, CurrencyCode.EUR)), "O-9"));

        var content = template.Render(e, Recipient, Partner());

        Assert.Equal("en", content.Language);
        Assert.Equal("O-9 closed Won at 250000 EUR", content.Subject);
        Assert.Equal("{literal} EUR for Chris (ChannelManager) in acme, 2025-03-03T09:00:00Z, .", content.TextBody);
        Assert.Null(content.HtmlBody);
    }

    [Fact]
    public void Render_HtmlBody_EncodesValuesNotTheTemplate()
    {
        var template = new NotificationTemplate("LeadRejected", NotificationAudience.ChannelManager, "en", "x", "{reason}", "<b>{reason}</b>");

        var content = template.Render(Event(Stamp(new LeadRejected(P1, "<script>alert('x')</script> & \"more\""))), Recipient, null);

        Assert.Equal("<b>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;more&quot;</b>", content.HtmlBody);
        Assert.Equal("<script>alert('x')</script> & \"more\"", content.TextBody);
    }

    [Fact]
    public void Render_ValueWithLineBreaks_SubjectStaysOneLine()
    {
        var template = new NotificationTemplate("LeadRejected", NotificationAudience.ChannelManager, "en", "Rejected: {reason}", "x");

        var content = template.Render(Event(Stamp(new LeadRejected(P1, "no\r\nBcc: victim@example.com"))), Recipient, null);

        Assert.Equal("Rejected: no Bcc: victim@example.com", content.Subject);
    }

    [Fact]
    public void Render_NoPartnerKnown_PartnerNameFallsBackToTheId()
    {
        var template = new NotificationTemplate("LeadAssigned", NotificationAudience.Partner, "en", "{partnerName}", "x");

        Assert.Equal("p-1", template.Render(Event(Stamp(new LeadAssigned(P1, Start))), Recipient, null).Subject);
    }

    [Theory]
    [InlineData("Hello {name", "subject, position 7", "not closed")]
    [InlineData("Hello name}", "subject, position 11", "without '{'")]
    [InlineData("Hello {}", "subject, position 7", "not a field name")]
    [InlineData("Hello {a b}", "subject, position 7", "not a field name")]
    public void Constructor_MalformedPlaceholder_ThrowsNamingFieldAndPosition(string subject, string location, string message)
    {
        var ex = Assert.Throws<InputValidationException>(() => new NotificationTemplate("LeadAssigned", NotificationAudience.Partner, "en", subject, "body"));

        var error = Assert.Single(ex.Errors);
        Assert.Equal($"LeadAssigned/Partner/en {location}", error.Location);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_SeveralProblems_ReportsEachField()
    {
        var ex = Assert.Throws<InputValidationException>(() => new NotificationTemplate("Lead Assigned", (NotificationAudience)9, "english", "two\nlines", " "));

        Assert.Equal(["audience", "eventType", "language", "subject", "textBody"], ex.Errors.Select(e => e.Location).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void CatalogSet_UnknownPlaceholderForEventType_ThrowsNamingIt()
    {
        var catalog = new NotificationTemplateCatalog();

        var ex = Assert.Throws<InputValidationException>(() => catalog.Set<LeadRejected>(NotificationAudience.ChannelManager, "en", "{partnerName}: {reasn}", "{reason}"));

        var error = Assert.Single(ex.Errors);
        Assert.Equal("LeadRejected/ChannelManager/en", error.Location);
        Assert.Contains("'{reasn}'", error.Message, StringComparison.Ordinal);
        Assert.Empty(catalog.Templates);
    }

    [Fact]
    public void DefaultTemplates_PlaceholdersOfKnownEventTypes_AllExist()
    {
        var known = typeof(DomainEvent).Assembly.GetTypes().Where(t => t.IsSubclassOf(typeof(DomainEvent)) && !t.IsAbstract).ToDictionary(t => t.Name);
        var checkedCount = 0;
        foreach (var template in NotificationTemplateCatalog.CreateDefault().Templates)
        {
            var fields = known.TryGetValue(template.EventType, out var type)
                ? DomainEventSerializer.Options.GetTypeInfo(type).Properties.Select(p => p.Name).ToHashSet()
                : DomainEventSerializer.Options.GetTypeInfo(typeof(LeadQualified)).Properties.Select(p => p.Name).ToHashSet();
            fields.UnionWith(NotificationTemplate.ContextPlaceholders);
            Assert.All(template.Placeholders, p => Assert.Contains(p.Split('.')[0], fields));
            checkedCount++;
        }

        Assert.Equal(54, checkedCount); // 10 lead, 13 deal-registration, 2 two-tier and 2 recycling event/audience pairs, in English and German
    }

    [Fact]
    public void DefaultTemplates_RegistrationConflict_NameTheCompetingRegistrationAndItsPartner()
    {
        var template = NotificationTemplateCatalog.CreateDefault().Find(nameof(DealRegistrationConflictDetected), NotificationAudience.ChannelManager, "de", "en")!;
        var e = Event(Stamp(new DealRegistrationConflictDetected(P1, new LeadId("R-1"), new PartnerId("p-2"), RegistrationConflictRule.FirstRegisteredWins), "R-2"));

        var content = template.Render(e, Recipient, Partner());

        Assert.Equal("Registrierungskonflikt: R-2 von Müller & Söhne konkurriert mit R-1", content.Subject);
        Assert.Contains("Registrierung R-1 des Partners p-2", content.TextBody, StringComparison.Ordinal);
        Assert.Contains("Regel: FirstRegisteredWins", content.TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public void CatalogFind_MissingLanguage_FallsBackThenNull()
    {
        var catalog = NotificationTemplateCatalog.CreateDefault();

        Assert.Equal("de", catalog.Find("LeadAssigned", NotificationAudience.Partner, "DE", "en")!.Language);
        Assert.Equal("en", catalog.Find("LeadAssigned", NotificationAudience.Partner, "fr", "en")!.Language);
        Assert.Null(catalog.Find("LeadAssigned", NotificationAudience.Partner, "fr", "it"));
        Assert.Null(catalog.Find("LeadQualified", NotificationAudience.Partner, "en", "en"));
    }

    [Theory]
    [InlineData(new string[0], "en")]
    [InlineData(new[] { "fr", "en" }, "en")]
    [InlineData(new[] { "fr", "DE" }, "de")]
    [InlineData(new[] { "fr", "it" }, "en")]
    public void CatalogChooseLanguage_PartnerLanguages_PicksDefaultOrFirstWithTemplate(string[] languages, string expected)
    {
        Assert.Equal(expected, NotificationTemplateCatalog.CreateDefault().ChooseLanguage("LeadAssigned", NotificationAudience.Partner, languages, "en"));
    }

    [Fact]
    public void CatalogRemoveAndClear_RemoveTemplates()
    {
        var catalog = NotificationTemplateCatalog.CreateDefault();

        Assert.Equal(2, catalog.Remove("LeadRecalled", NotificationAudience.ChannelManager));
        Assert.False(catalog.HasTemplate("LeadRecalled", NotificationAudience.ChannelManager));
        Assert.True(catalog.HasTemplate("LeadRecalled", NotificationAudience.Partner));
        catalog.Clear();
        Assert.Empty(catalog.Templates);
    }

    private static NotificationEvent Event(DomainEvent e) => NotificationEvent.FromOutbox(Message(e));
}
