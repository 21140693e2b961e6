using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using NodaTime;

namespace Opportunity.Notifications.Webhooks.Tests.DependencyInjection;

public sealed class WebhookConfigurationTests
{
    [Fact]
    public void UseWebhooks_JsonSection_BindsEndpointsAndDurations()
    {
        var folder = Directory.CreateTempSubdirectory("opportunity-webhooks-").FullName;
        try
        {
            var file = Path.Combine(folder, "appsettings.json");
            File.WriteAllText(file, """
                {
                  "Webhooks": {
                    "Timeout": "PT5S",
                    "AllowedNetworks": [ "10.20.0.0/16" ],
                    "Endpoints": [ { "Name": "crm", "Url": "https://crm.example/hooks", "Secrets": [ "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" ], "EventTypes": [ "LeadAssigned" ] } ]
                  }
                }
                """);
            var configuration = new ConfigurationBuilder().AddJsonFile(file).Build();
            var services = new ServiceCollection();
            services.AddOpportunityManagement().UseWebhooks(configuration.GetSection("Webhooks"));
            using var provider = services.BuildServiceProvider();

            var options = provider.GetRequiredService<IOptions<WebhookNotificationOptions>>().Value;

            Assert.Equal(Duration.FromSeconds(5), options.Timeout);
            Assert.Equal(["10.20.0.0/16"], options.AllowedNetworks);
            var endpoint = Assert.Single(options.Endpoints);
            Assert.Equal("crm", endpoint.Name);
            Assert.Equal(new Uri("https://crm.example/hooks"), endpoint.Url);
            Assert.Equal(["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"], endpoint.Secrets);
            Assert.Equal(["LeadAssigned"], endpoint.EventTypes);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
