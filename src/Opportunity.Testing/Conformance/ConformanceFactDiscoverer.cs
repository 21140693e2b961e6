using Xunit.Abstractions;
using Xunit.Sdk;

namespace Opportunity.Testing.Conformance;

/// <summary>Discovers <see cref="ConformanceFactAttribute"/> tests; the skip reason comes from the concrete class's <see cref="ConformanceSkipAttribute"/>.</summary>
public sealed class ConformanceFactDiscoverer : IXunitTestCaseDiscoverer
{
    private readonly IMessageSink _diagnosticMessageSink;

    /// <summary>Created by xunit.</summary>
    public ConformanceFactDiscoverer(IMessageSink diagnosticMessageSink)
    {
        _diagnosticMessageSink = diagnosticMessageSink;
    }

    /// <inheritdoc />
    public IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo factAttribute) =>
        [new ConformanceTestCase(_diagnosticMessageSink, discoveryOptions.MethodDisplayOrDefault(), discoveryOptions.MethodDisplayOptionsOrDefault(), testMethod)];
}

/// <summary>A conformance test case: an ordinary fact whose skip reason is asked of the concrete test class.</summary>
public sealed class ConformanceTestCase : XunitTestCase
{
    /// <summary>For deserialisation by xunit only.</summary>
    [Obsolete("Called by the de-serializer; should only be called by deriving classes for de-serialization purposes")]
    public ConformanceTestCase()
    {
    }

    /// <summary>Creates the test case.</summary>
    public ConformanceTestCase(IMessageSink diagnosticMessageSink, TestMethodDisplay defaultMethodDisplay, TestMethodDisplayOptions defaultMethodDisplayOptions, ITestMethod testMethod)
        : base(diagnosticMessageSink, defaultMethodDisplay, defaultMethodDisplayOptions, testMethod)
    {
    }

    /// <inheritdoc />
    protected override string? GetSkipReason(IAttributeInfo factAttribute)
    {
        var type = TestMethod.TestClass.Class.ToRuntimeType();
        var skip = type?.GetCustomAttributes(typeof(ConformanceSkipAttribute), inherit: true).OfType<ConformanceSkipAttribute>().FirstOrDefault();
        return skip?.SkipReason ?? base.GetSkipReason(factAttribute);
    }
}
