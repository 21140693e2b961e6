using Opportunity.Forecasting;

namespace Opportunity.Persistence.Sqlite.Tests;

/// <summary>
/// The adapter's shape (issue 12): one small internal type per port over the shared database object.
/// A port type that starts serving a second port, or ports creeping back onto <see cref="SqliteStore"/>, fails here.
/// </summary>
public sealed class SqlitePortShapeTests
{
    // The storage ports: the interface types of StorePorts' properties, so a port Core adds is covered at once.
    private static readonly HashSet<Type> Ports = [.. typeof(StorePorts).GetProperties().Select(p => p.PropertyType).Where(t => t.IsInterface)];

    // Capabilities of a port, implemented by that port's type (a reader casts the port to them): not a second port.
    private static readonly Dictionary<Type, Type> Capabilities = new()
    {
        [typeof(IPipelineRowSource)] = typeof(IOpportunityStore),
        [typeof(IChangeFeedSignal)] = typeof(IChangeFeed),
    };

    [Fact]
    public void Ports_AreTheStorePortsInterfaces()
    {
        Assert.Contains(typeof(ILeadStore), Ports);
        Assert.Contains(typeof(IPipelinePushDown), Ports);
        Assert.DoesNotContain(typeof(IPipelineRowSource), Ports);
    }

    [Fact]
    public void EveryAdapterTypeServingAPort_IsInternalAndServesExactlyOne()
    {
        var portTypes = typeof(SqliteStore).Assembly.GetTypes()
            .Where(t => t != typeof(SqliteStore) && t.GetInterfaces().Any(i => Ports.Contains(i) || Capabilities.ContainsKey(i)))
            .ToList();

        Assert.NotEmpty(portTypes);
        Assert.All(portTypes, type =>
        {
            Assert.False(type.IsVisible, $"{type.Name} is public; a port type is internal (reached through SqliteStore's properties).");
            var served = type.GetInterfaces().Where(Ports.Contains).ToList();
            Assert.True(served.Count == 1, $"{type.Name} serves {served.Count} ports ({string.Join(", ", served.Select(p => p.Name))}); one type per port.");
            Assert.All(type.GetInterfaces().Where(Capabilities.ContainsKey), capability => Assert.Equal(Capabilities[capability], served[0]));
        });
    }

    [Fact]
    public void SqliteStore_ImplementsNoPortButTheSchemaOfItsFile()
    {
        var served = typeof(SqliteStore).GetInterfaces().Where(i => Ports.Contains(i) || Capabilities.ContainsKey(i));

        Assert.Equal([typeof(IStoreSchema)], served);
    }

    [Fact]
    public void EveryPortOfTheStore_IsAnObjectOfItsOwnType()
    {
        using var database = new TempDatabase();
        using var store = new SqliteStore(database.Path);

        var ports = typeof(StorePorts).GetProperties()
            .Where(p => p.PropertyType.IsInterface && p.PropertyType != typeof(IStoreSchema))
            .Select(p => (p.Name, Value: p.GetValue(store)))
            .ToList();

        Assert.All(ports, port => Assert.NotNull(port.Value));
        Assert.Equal(ports.Count, ports.Select(p => p.Value!.GetType()).Distinct().Count());
        Assert.Same(store, store.Schema);
    }
}
