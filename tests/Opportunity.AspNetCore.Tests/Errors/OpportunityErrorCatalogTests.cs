using System.Reflection;
using Microsoft.AspNetCore.Http;
using Opportunity.AspNetCore.Errors;

namespace Opportunity.AspNetCore.Tests.Errors;

public sealed class OpportunityErrorCatalogTests
{
    private static readonly int[] Statuses = [400, 403, 404, 409, 422, 500];

    public static TheoryData<string> Codes()
    {
        var data = new TheoryData<string>();
        foreach (var code in PublicCodes())
        {
            data.Add(code);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Codes))]
    public void Entries_EveryPublicCode_HasAStatusAndATitle(string code)
    {
        Assert.True(OpportunityErrorCatalog.Entries.TryGetValue(code, out var entry), $"{code} has no HTTP status; add it to OpportunityErrorCatalog.");
        Assert.Contains(entry.Status, Statuses);
        Assert.False(string.IsNullOrWhiteSpace(entry.Title));
    }

    [Fact]
    public void Entries_EveryEntry_IsAPublicCode()
    {
        Assert.Equal(PublicCodes().Order(StringComparer.Ordinal), OpportunityErrorCatalog.Entries.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void PublicCodes_AreDistinctSnakeCase()
    {
        var codes = PublicCodes();

        Assert.Equal(codes.Count, codes.Distinct(StringComparer.Ordinal).Count());
        Assert.All(codes, c => Assert.Matches("^[a-z]+(_[a-z]+)*$", c));
    }

    /// <summary>Each category's status: an exception of the category carrying a code of its own (not in the catalog) gets it.</summary>
    [Fact]
    public void Describe_CodeOfYourOwn_FallsBackToTheCategoryStatus()
    {
        var partner = new PartnerId("P-1");
        Assert.Equal(StatusCodes.Status400BadRequest, OpportunityErrorCatalog.Describe(new InvalidInputException("my_input", "x", "bad")).Status);
        Assert.Equal(StatusCodes.Status403Forbidden, OpportunityErrorCatalog.Describe(new AccessDeniedException("my_forbidden", partner, "Lead", "L", "no")).Status);
        Assert.Equal(StatusCodes.Status404NotFound, OpportunityErrorCatalog.Describe(new EntityNotFoundException("my_missing", "Quote", "Q", "none")).Status);
        Assert.Equal(StatusCodes.Status409Conflict, OpportunityErrorCatalog.Describe(new ConflictException("my_conflict", "taken")).Status);
        Assert.Equal(StatusCodes.Status422UnprocessableEntity, OpportunityErrorCatalog.Describe(new DomainRuleException("my_rule", "refused")).Status);
    }

    /// <summary>The catalog agrees with the category of the exceptions the library throws for these codes.</summary>
    [Fact]
    public void Describe_LibraryExceptions_MatchTheirCategory()
    {
        var tenant = new TenantId("acme");
        Assert.Equal(404, OpportunityErrorCatalog.Describe(EntityNotFoundException.ForLead(tenant, new LeadId("L"))).Status);
        Assert.Equal(404, OpportunityErrorCatalog.Describe(EntityNotFoundException.ForOpportunity(tenant, new OpportunityId("O"))).Status);
        Assert.Equal(404, OpportunityErrorCatalog.Describe(EntityNotFoundException.ForPartner(tenant, new PartnerId("P"))).Status);
        Assert.Equal(409, OpportunityErrorCatalog.Describe(new ConcurrencyException("Lead", "L", 1, 2)).Status);
        Assert.Equal(409, OpportunityErrorCatalog.Describe(new PartnerAtCapacityException(tenant, new PartnerId("P"), "L", 3, 3)).Status);
        Assert.Equal(409, OpportunityErrorCatalog.Describe(new TransactionRetryRequiredException("UpdateAsync", "could not serialize access, 40001")).Status);
        Assert.Equal(409, OpportunityErrorCatalog.Describe(Persistence.AdapterSupport.LeadConversionRules.AlreadyConverted(tenant, new LeadId("L"), new OpportunityId("O"))).Status);
        Assert.Equal(400, OpportunityErrorCatalog.Describe(Assert.Throws<InvalidTextException>(() => new LeadId("a b"))).Status);
        Assert.Equal(400, OpportunityErrorCatalog.Describe(Assert.Throws<UnknownCurrencyException>(() => new CurrencyCode("XYZ"))).Status);
        Assert.Equal(400, OpportunityErrorCatalog.Describe(Assert.Throws<Pipelines.UnknownStageException>(() => Pipelines.PipelineDefinition.Default.GetStage("Demo"))).Status);
        Assert.Equal(400, OpportunityErrorCatalog.Describe(new InputValidationException([new ValidationError("rows[0].amount", "negative")])).Status);
        Assert.Equal(422, OpportunityErrorCatalog.Describe(new InvalidStateTransitionException("Lead", "L", "Captured", "Accept")).Status);
        Assert.Equal(422, OpportunityErrorCatalog.Describe(new CurrencyMismatchException(CurrencyCode.EUR, CurrencyCode.USD)).Status);
        Assert.Equal(422, OpportunityErrorCatalog.Describe(new Forecasting.ExchangeRateNotFoundException(CurrencyCode.EUR, CurrencyCode.USD, new NodaTime.LocalDate(2025, 1, 1))).Status);
        Assert.Equal(500, OpportunityErrorCatalog.Describe(new Persistence.StoreDataException("Lead", "L", "document", "corrupt")).Status);
        Assert.Equal(500, OpportunityErrorCatalog.Describe(new AggregateOverflowException("currency EUR", "too large")).Status);
    }

    private static List<string> PublicCodes() =>
    [
        .. typeof(OpportunityErrorCodes).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType == typeof(string))
            .Select(f => (string)f.GetRawConstantValue()!),
    ];
}
