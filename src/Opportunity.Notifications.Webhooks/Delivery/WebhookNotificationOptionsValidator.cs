using Microsoft.Extensions.Options;
using NodaTime;

namespace Opportunity.Notifications.Webhooks;

/// <summary>Checks <see cref="WebhookNotificationOptions"/>; each failure names the option (endpoints by index and name).</summary>
public sealed class WebhookNotificationOptionsValidator : IValidateOptions<WebhookNotificationOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, WebhookNotificationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.ChannelName))
        {
            failures.Add($"{nameof(options.ChannelName)} must not be empty.");
        }

        if (options.Timeout <= Duration.Zero || options.Timeout > Duration.FromMinutes(5))
        {
            failures.Add($"{nameof(options.Timeout)} must be more than 0 and at most 5 minutes, was {options.Timeout}.");
        }

        for (var i = 0; i < options.AllowedNetworks.Count; i++)
        {
            try
            {
                DestinationAddressPolicy.ParseNetwork(options.AllowedNetworks[i]);
            }
            catch (FormatException e)
            {
                failures.Add($"{nameof(options.AllowedNetworks)}[{i}]: {e.Message}");
            }
        }

        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < options.Endpoints.Count; i++)
        {
            var endpoint = options.Endpoints[i];
            var where = $"{nameof(options.Endpoints)}[{i}]";
            if (endpoint is null)
            {
                failures.Add($"{where} must not be null.");
                continue;
            }

            where += $" ('{endpoint.Name}')";
            if (string.IsNullOrWhiteSpace(endpoint.Name))
            {
                failures.Add($"{where}.{nameof(endpoint.Name)} must not be empty.");
            }
            else if (!names.Add(endpoint.Name))
            {
                failures.Add($"{where}.{nameof(endpoint.Name)} is used by another endpoint; names must be unique.");
            }

            if (endpoint.Url is not { IsAbsoluteUri: true } url || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp))
            {
                failures.Add($"{where}.{nameof(endpoint.Url)} must be an absolute http or https URL, was '{endpoint.Url}'.");
            }

            if (endpoint.Secrets.Count == 0)
            {
                failures.Add($"{where}.{nameof(endpoint.Secrets)} needs at least one secret (whsec_…).");
            }

            for (var s = 0; s < endpoint.Secrets.Count; s++)
            {
                if (!WebhookSecret.TryParse(endpoint.Secrets[s], out _))
                {
                    failures.Add($"{where}.{nameof(endpoint.Secrets)}[{s}] is not a webhook secret: 'whsec_' + base64 of {WebhookSecret.MinBytes} to {WebhookSecret.MaxBytes} bytes.");
                }
            }

            if (endpoint.Tenant is not null)
            {
                try
                {
                    _ = new TenantId(endpoint.Tenant);
                }
                catch (InvalidTextException e)
                {
                    failures.Add($"{where}.{nameof(endpoint.Tenant)}: {e.Message}");
                }
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
