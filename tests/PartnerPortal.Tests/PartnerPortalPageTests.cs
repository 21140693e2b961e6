using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using PartnerPipeline.Tests;
using PartnerPortal.Tests.Chromium;

namespace PartnerPortal.Tests;

/// <summary>The page in a real browser against the app on a real Kestrel loopback port.</summary>
public sealed class PartnerPortalPageTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [ChromiumFact]
    public async Task Page_PartnerAcceptsAndOpensALead_ManufacturersWeightedPipelineGrows()
    {
        await using var factory = new PortalFactory();
        factory.UseKestrel(0);
        factory.StartServer();
        var address = new Uri(factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        await using var page = await DevToolsPage.OpenAsync(HeadlessChromium.Find()!, new Uri(address, "/?partner=P-BER"));

        var before = await page.WaitForAsync(
            "document.body.dataset.state === 'ready' && document.querySelector('#offered tr[data-lead=\"L-1001\"]') && document.getElementById('weighted-total').textContent", Wait);
        Assert.Equal("7890.00", before.GetString());
        Assert.False((await page.EvaluateAsync("document.body.innerText.includes('Krume')")).GetBoolean()); // no contact data before acceptance

        await page.EvaluateAsync("document.querySelector('#offered tr[data-lead=\"L-1001\"] button[data-action=\"accept\"]').click()");
        var company = await page.WaitForAsync(
            "document.body.dataset.state === 'ready' && document.querySelector('#accepted tr[data-lead=\"L-1001\"]')?.cells[1].textContent", Wait);
        Assert.Equal("Bäckerei Krume", company.GetString()); // contact data appears only now
        Assert.Equal("7890.00", (await page.EvaluateAsync("document.getElementById('weighted-total').textContent")).GetString());

        await page.EvaluateAsync("document.querySelector('#accepted tr[data-lead=\"L-1001\"] button[data-action=\"convert\"]').click()");
        var after = await page.WaitForAsync(
            "document.body.dataset.state === 'ready' && document.querySelector('#pipeline tr[data-opportunity=\"L-1001\"]') && document.getElementById('weighted-total').textContent", Wait);

        // 18,500 EUR entering the pipeline in Qualification (10 %).
        Assert.Equal("9740.00", after.GetString());
        Assert.True((await page.EvaluateAsync("document.getElementById('error').hidden")).GetBoolean());
        using var client = factory.CreateClient();
        using var pipeline = JsonDocument.Parse(await client.GetStringAsync("/api/manufacturer/pipeline"));
        Assert.Equal("9740.00", pipeline.RootElement.GetProperty("total").GetProperty("weighted").GetString());
    }
}
