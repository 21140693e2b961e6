using Xunit;
using Xunit.Sdk;

namespace Opportunity.Testing.Conformance;

/// <summary>
/// Marks a conformance test. It runs like <see cref="FactAttribute"/>, except that it is skipped
/// when the concrete test class carries a <see cref="ConformanceSkipAttribute"/> whose
/// <see cref="ConformanceSkipAttribute.SkipReason"/> is not null (e.g. no database configured).
/// </summary>
[XunitTestCaseDiscoverer("Opportunity.Testing.Conformance.ConformanceFactDiscoverer", "Opportunity.Testing")]
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class ConformanceFactAttribute : FactAttribute
{
}
