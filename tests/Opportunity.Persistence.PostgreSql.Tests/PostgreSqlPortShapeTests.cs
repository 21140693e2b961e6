using System.Reflection;

namespace Opportunity.Persistence.PostgreSql.Tests;

/// <summary>
/// The adapter's shape (issue 12): one small internal type per port over the shared database object.
/// Fails when a port type grows into serving several ports, or the store serves one itself again.
/// </summary>
public sealed class PostgreSqlPortShapeTests
{
    private static readonly Assembly Adapter = typeof(PostgreSqlStore).Assembly;

    /// <summary>The ports: the types of <see cref="StorePorts"/>' properties.</summary>
    private static readonly Type[] Ports = [.. typeof(StorePorts).GetProperties(BindingFlags.Public | BindingFlags.Instance).Select(p => p.PropertyType).Distinct()];

    /// <summary>Capabilities that belong to a port: its type implements them beside it, and they count as that port.</summary>
    private static readonly Dictionary<Type, Type> Capabilities = new()
    {
        [typeof(IPipelineRowSource)] = typeof(IOpportunityStore),
        [typeof(IChangeFeedSignal)] = typeof(IChangeFeed),
    };

    [Fact]
    public void Ports_AreTheStorePortsPropertyTypes()
    {
        Assert.Contains(typeof(ILeadStore), Ports);
        Assert.Contains(typeof(IChangeFeed), Ports);
        Assert.Contains(typeof(IStoreSchema), Ports);
        Assert.All(Ports, port => Assert.True(port.IsInterface, $"{port} is not an interface"));
    }

    [Fact]
    public void EveryPortType_ServesExactlyOnePort()
    {
        var portTypes = Adapter.GetTypes().Where(t => !t.IsInterface && PortsOf(t).Count > 0 && t != typeof(PostgreSqlStore)).ToList();

        Assert.True(portTypes.Count >= 17, $"only {portTypes.Count} port types found");
        Assert.All(portTypes, type =>
        {
            var ports = PortsOf(type);
            Assert.True(ports.Count == 1, $"{type.Name} serves {ports.Count} ports: {string.Join(", ", ports.Select(p => p.Name))}");
            Assert.True(type.IsNotPublic && type.IsSealed, $"{type.Name} should be internal sealed");
        });
    }

    [Fact]
    public void Store_ImplementsNoPortItself()
    {
        // The schema status is the database's own, so the store answers it (Schema returns the store);
        // every other port is a property.
        var served = PortsOf(typeof(PostgreSqlStore)).Where(p => p != typeof(IStoreSchema));

        Assert.Empty(served);
        Assert.True(typeof(StorePorts).IsAssignableFrom(typeof(PostgreSqlStore)));
    }

    [Fact]
    public void Store_HasOneDistinctObjectPerPort()
    {
        using var store = new PostgreSqlStore("Host=127.0.0.1;Database=never_opened");
        var properties = typeof(StorePorts).GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.Name != nameof(StorePorts.Schema)).ToList();
        var ports = properties.Select(p => p.GetValue(store)).ToList();

        Assert.All(properties.Zip(ports), pair => Assert.True(pair.Second is not null, $"{pair.First.Name} is null"));
        Assert.All(ports, port => Assert.Same(Adapter, port!.GetType().Assembly));
        Assert.Equal(ports.Count, ports.Distinct().Count());
        Assert.Same(store, store.Schema);
        Assert.IsAssignableFrom<IPipelineRowSource>(store.Opportunities);
        Assert.IsAssignableFrom<IChangeFeedSignal>(store.ChangeFeed);
    }

    private static List<Type> PortsOf(Type type) =>
        [.. type.GetInterfaces().Select(i => Capabilities.GetValueOrDefault(i, i)).Where(Ports.Contains).Distinct()];
}
