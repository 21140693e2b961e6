namespace Opportunity.Testing.Conformance;

/// <summary>Thrown by an adapter's fault hook at an armed point (see <see cref="StoreUnderTest.ArmFault"/>), standing in for a crash.</summary>
public sealed class InjectedFaultException : Exception
{
    /// <summary>Creates the exception for a fault point.</summary>
    public InjectedFaultException(string point)
        : base($"Injected fault at '{point}'.")
    {
        Point = point;
    }

    /// <summary>The point at which the write was aborted.</summary>
    public string Point { get; }

    /// <summary>
    /// A hook for adapters: returns an action to assign to the adapter's fault hook that throws at
    /// <paramref name="point"/> and does nothing elsewhere (null point: never throws).
    /// </summary>
    public static Action<string>? ThrowAt(string? point) =>
        point is null ? null : p =>
        {
            if (string.Equals(p, point, StringComparison.Ordinal))
            {
                throw new InjectedFaultException(p);
            }
        };
}
