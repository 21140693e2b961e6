using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace PartnerPortal.Demo;

/// <summary>
/// DEMO ONLY — NOT AUTHENTICATION. Believes whatever partner id the <c>X-Demo-Partner</c> header
/// names and issues it as the <c>partner_id</c> claim the portal authorises by. It exists so the
/// sample runs without an identity provider; a real portal signs partners in with cookies,
/// OpenID Connect or JWT bearer tokens and maps their identity to that claim.
/// </summary>
internal sealed class DemoPartnerAuthenticationHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "DemoPartner";

    public const string Header = "X-Demo-Partner";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var partner = Request.Headers[Header].ToString();
        if (string.IsNullOrWhiteSpace(partner))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        if (!DemoNetwork.Partners.Any(p => p.Id.Value == partner))
        {
            return Task.FromResult(AuthenticateResult.Fail($"No demo partner '{partner}'."));
        }

        var identity = new ClaimsIdentity([new Claim("partner_id", partner)], SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }
}
