using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using NodaTime;
using Opportunity.Notifications;

namespace Opportunity.Core.Tests.Configuration;

/// <summary>NodaTime durations bind from what appsettings.json authors write: TimeSpan strings and ISO-8601.</summary>
public sealed class DurationBindingTests
{
    [Theory]
    [InlineData("00:00:10", 10)]
    [InlineData("1.02:00:00", 93_600)]
    [InlineData("PT10S", 10)]
    [InlineData("P1DT2H", 93_600)]
    [InlineData("0:00:00:10", 10)]
    [InlineData(" 00:05:00 ", 300)]
    public void AddOpportunityManagement_DurationAsTimeSpanOrIso_Binds(string text, int seconds)
    {
        using var provider = Build(new() { ["Opportunity:ClaimLease"] = text });

        var options = provider.GetRequiredService<IOptions<OpportunityManagementOptions>>().Value;

        Assert.Equal(Duration.FromSeconds(seconds), options.ClaimLease);
    }

    [Theory]
    [InlineData("ten seconds")]
    [InlineData("P1M")]
    [InlineData("10")]
    public void AddOpportunityManagement_GarbageDuration_FailsNamingTheKeyAndTheAcceptedForms(string text)
    {
        using var provider = Build(new() { ["Opportunity:ClaimLease"] = text });

        var ex = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<IOptions<OpportunityManagementOptions>>().Value);

        Assert.Contains("Opportunity:ClaimLease", ex.Message, StringComparison.Ordinal);
        var format = Assert.IsType<FormatException>(ex.InnerException);
        Assert.Contains("'00:00:10'", format.Message, StringComparison.Ordinal);
        Assert.Contains("'PT10S'", format.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddOpportunityManagement_UnknownKey_FailsNamingIt()
    {
        using var provider = Build(new() { ["Opportunity:ClaimLeas"] = "00:05:00" });

        var ex = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<IOptions<OpportunityManagementOptions>>().Value);

        Assert.Contains("ClaimLeas", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddNotificationDispatcher_NullableDurationAndNumbers_BindFromJson()
    {
        var folder = Directory.CreateTempSubdirectory("opportunity-config-").FullName;
        try
        {
            var file = Path.Combine(folder, "appsettings.json");
            File.WriteAllText(file, """
                { "Opportunity": { "Notifications": { "DeliveredRetention": "7.00:00:00", "DeliveryTimeout": "PT1M", "LeaseDuration": "00:04:00", "MaxAttempts": 3, "OperationsEmail": "ops@acme.example" } } }
                """);
            var configuration = new ConfigurationBuilder().AddJsonFile(file).Build();
            var services = new ServiceCollection();
            services.AddOpportunityManagement().AddNotificationDispatcher(configuration.GetSection("Opportunity:Notifications"));
            using var provider = services.BuildServiceProvider();

            var options = provider.GetRequiredService<IOptions<NotificationDispatcherOptions>>().Value;

            Assert.Equal(Duration.FromDays(7), options.DeliveredRetention);
            Assert.Equal(Duration.FromMinutes(1), options.DeliveryTimeout);
            Assert.Equal(Duration.FromMinutes(4), options.LeaseDuration);
            Assert.Equal(3, options.MaxAttempts);
            Assert.Equal("ops@acme.example", options.OperationsEmail);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static ServiceProvider Build(Dictionary<string, string?> values)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection();
        services.AddOpportunityManagement(configuration.GetSection("Opportunity"));
        return services.BuildServiceProvider();
    }
}
