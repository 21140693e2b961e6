using Opportunity.Partners;

namespace Opportunity.Core.Tests.Partners;

public sealed class PartnerHierarchyTests
{
    private static readonly TenantId Tenant = new("acme");

    private static Partner P(string id, string? parent = null) =>
        new(Tenant, new PartnerId(id), id, PartnerTier.Silver) { ParentId = parent is null ? null : new PartnerId(parent) };

    private static readonly PartnerHierarchy Tree = PartnerHierarchy.Of([P("d"), P("r1", "d"), P("r2", "d"), P("r1a", "r1"), P("direct")]);

    [Fact]
    public void Ancestors_ThreeLevels_NearestFirst()
    {
        Assert.Equal([new PartnerId("r1"), new PartnerId("d")], Tree.Ancestors(new PartnerId("r1a")));
        Assert.Empty(Tree.Ancestors(new PartnerId("direct")));
    }

    [Fact]
    public void Descendants_Distributor_LevelByLevel()
    {
        Assert.Equal(["r1", "r2", "r1a"], Tree.Descendants(new PartnerId("d")).Select(p => p.Value));
        Assert.Equal([new PartnerId("r1"), new PartnerId("r2")], Tree.Children(new PartnerId("d")));
    }

    [Fact]
    public void Depth_RootResellerAndSubReseller_ZeroOneTwo()
    {
        Assert.Equal((0, 1, 2), (Tree.Depth(new PartnerId("d")), Tree.Depth(new PartnerId("r2")), Tree.Depth(new PartnerId("r1a"))));
        Assert.Equal(new PartnerId("d"), Tree.Root(new PartnerId("r1a")));
        Assert.True(Tree.IsWithin(new PartnerId("r1a"), new PartnerId("d")));
        Assert.False(Tree.IsWithin(new PartnerId("direct"), new PartnerId("d")));
    }

    [Fact]
    public void Of_Cycle_ThrowsNamingThePartner()
    {
        var ex = Assert.Throws<InvalidInputException>(() => PartnerHierarchy.Of([P("a", "b"), P("b", "a")]));

        Assert.Equal(OpportunityErrorCodes.PartnerHierarchyCycle, ex.ErrorCode);
        Assert.Equal("Partner.ParentId", ex.Field);
        Assert.Matches("Partner '(a|b)'", ex.Message);
    }

    [Fact]
    public void Of_UnknownParent_ThrowsNamingThePartnerAndTheParent()
    {
        var ex = Assert.Throws<InvalidInputException>(() => PartnerHierarchy.Of([P("r1", "gone")]));

        Assert.Equal(OpportunityErrorCodes.PartnerParentUnknown, ex.ErrorCode);
        Assert.Contains("Partner 'r1' names parent 'gone'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parent_UnknownPartner_ThrowsNotFound()
    {
        var ex = Assert.Throws<EntityNotFoundException>(() => Tree.Parent(new PartnerId("nobody")));

        Assert.Equal(OpportunityErrorCodes.PartnerNotFound, ex.ErrorCode);
    }
}
