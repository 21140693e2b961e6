using Opportunity.Partners;
using Xunit;
using static Opportunity.Testing.Conformance.ConformanceData;

namespace Opportunity.Testing.Conformance;

public abstract partial class StoreConformanceTests
{
    private static readonly PartnerId Distributor = new("distributor-1");
    private static readonly PartnerId Reseller = new("reseller-1");
    private static readonly PartnerId SubReseller = new("reseller-1-1");

    /// <summary>A partner's parent reads back, and the listed partners form the hierarchy they were saved as.</summary>
    [ConformanceFact]
    public async Task Partner_WithParent_RoundTripsAndFormsTheHierarchy()
    {
        await Store.Partners.UpsertAsync(NewPartner(TenantA, Distributor));
        await Store.Partners.UpsertAsync(NewPartner(TenantA, Reseller) with { ParentId = Distributor });
        await Store.Partners.UpsertAsync(NewPartner(TenantA, SubReseller) with { ParentId = Reseller });

        var found = await Store.Partners.FindAsync(TenantA, SubReseller);
        var hierarchy = PartnerHierarchy.Of(await ToListAsync(Store.Partners.ListAsync(TenantA)));

        Assert.Equal(Reseller, found?.ParentId);
        Assert.Null((await Store.Partners.FindAsync(TenantA, Distributor))?.ParentId);
        Assert.Equal([Reseller, Distributor], hierarchy.Ancestors(SubReseller));
        Assert.Equal([Reseller, SubReseller], hierarchy.Descendants(Distributor));
    }

    /// <summary>A parent the tenant does not have (another tenant's partner included) is refused with a typed error naming the partner, and nothing is saved.</summary>
    [ConformanceFact]
    public async Task Partner_WithUnknownParent_IsRefusedNamingThePartner()
    {
        await Store.Partners.UpsertAsync(NewPartner(TenantB, Distributor));

        var ex = await Assert.ThrowsAsync<InvalidInputException>(() => Store.Partners.UpsertAsync(NewPartner(TenantA, Reseller) with { ParentId = Distributor }));

        Assert.Equal(OpportunityErrorCodes.PartnerParentUnknown, ex.ErrorCode);
        Assert.Equal("Partner.ParentId", ex.Field);
        Assert.Contains($"'{Reseller}'", ex.Message, StringComparison.Ordinal);
        Assert.Null(await Store.Partners.FindAsync(TenantA, Reseller));
    }

    /// <summary>A parent that would make the partner its own ancestor (itself included) is refused naming the partner, and the stored partner keeps its old parent.</summary>
    [ConformanceFact]
    public async Task Partner_ParentClosingACycle_IsRefusedNamingThePartner()
    {
        await Store.Partners.UpsertAsync(NewPartner(TenantA, Distributor));
        await Store.Partners.UpsertAsync(NewPartner(TenantA, Reseller) with { ParentId = Distributor });
        await Store.Partners.UpsertAsync(NewPartner(TenantA, SubReseller) with { ParentId = Reseller });

        var cycle = await Assert.ThrowsAsync<InvalidInputException>(() => Store.Partners.UpsertAsync(NewPartner(TenantA, Distributor) with { ParentId = SubReseller }));
        var self = await Assert.ThrowsAsync<InvalidInputException>(() => Store.Partners.UpsertAsync(NewPartner(TenantA, Reseller) with { ParentId = Reseller }));

        Assert.Equal(OpportunityErrorCodes.PartnerHierarchyCycle, cycle.ErrorCode);
        Assert.Equal("Partner.ParentId", cycle.Field);
        Assert.Contains($"'{Distributor}'", cycle.Message, StringComparison.Ordinal);
        Assert.Equal(OpportunityErrorCodes.PartnerHierarchyCycle, self.ErrorCode);
        Assert.Null((await Store.Partners.FindAsync(TenantA, Distributor))?.ParentId);
        Assert.Equal(Distributor, (await Store.Partners.FindAsync(TenantA, Reseller))?.ParentId);
    }
}
