using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using NodaTime.Testing;

namespace PartnerPortal.Tests;

/// <summary>The sample app on its own SQLite file in a temporary folder, on a fake clock; the file is deleted afterwards.</summary>
public sealed class PortalFactory : WebApplicationFactory<Program>
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("partner-portal-");

    public FakeClock Clock { get; } = new(Instant.FromUtc(2026, 12, 1, 9, 0));

    public string DatabasePath => Path.Combine(_folder.FullName, "portal.db");

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("PartnerPortal:Database", DatabasePath);
        builder.ConfigureTestServices(services => services.AddSingleton<IClock>(Clock));
    }

    public HttpClient CreatePartnerClient(string? partner)
    {
        var client = CreateClient();
        if (partner is not null)
        {
            client.DefaultRequestHeaders.Add("X-Demo-Partner", partner);
        }

        return client;
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _folder.Delete(recursive: true);
    }
}
