namespace Opportunity.Testing.Conformance;

/// <summary>
/// Put a subclass on a class derived from <see cref="StoreConformanceTests"/> to skip the whole
/// suite when the adapter's database is unavailable, for example when an environment variable
/// with the connection string is missing. Return null to run.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = true)]
public abstract class ConformanceSkipAttribute : Attribute
{
    /// <summary>Why the suite is skipped (shown by the test runner, say how to run it), or null to run it.</summary>
    public abstract string? SkipReason { get; }
}
