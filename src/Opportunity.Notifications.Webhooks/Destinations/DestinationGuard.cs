using System.Net;
using System.Net.Sockets;

namespace Opportunity.Notifications.Webhooks;

/// <summary>
/// The <see cref="SocketsHttpHandler.ConnectCallback"/> of the webhook client: resolves the host
/// itself, checks every address, and connects only to a permitted one. Checking here, not the URL
/// text, defeats DNS rebinding and names that resolve to internal addresses; redirects are not
/// followed at all, and no proxy is used, so this is the only way out.
/// </summary>
internal sealed class DestinationGuard(bool enabled, IReadOnlyList<IPNetwork> allowed, IWebhookHostResolver resolver)
{
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var host = context.DnsEndPoint.Host;
        var addresses = IPAddress.TryParse(host.Trim('[', ']'), out var literal)
            ? [literal]
            : await resolver.ResolveAsync(host, cancellationToken).ConfigureAwait(false);
        var permitted = new List<IPAddress>();
        var refused = new List<(IPAddress, DestinationAddressKind)>();
        foreach (var address in addresses)
        {
            var kind = DestinationAddressPolicy.Classify(address);
            if (IsPermitted(address, kind))
            {
                permitted.Add(address);
            }
            else
            {
                refused.Add((address, kind));
            }
        }

        if (permitted.Count == 0)
        {
            throw refused.Count > 0
                ? new WebhookDestinationRefusedException(host, refused)
                : new SocketException((int)SocketError.HostNotFound);
        }

        SocketException? last = null;
        foreach (var permittedAddress in permitted)
        {
            var address = permittedAddress.IsIPv4MappedToIPv6 ? permittedAddress.MapToIPv4() : permittedAddress;
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, context.DnsEndPoint.Port), cancellationToken).ConfigureAwait(false);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException e)
            {
                socket.Dispose();
                last = e;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        throw last!;
    }

    private bool IsPermitted(IPAddress address, DestinationAddressKind kind) =>
        !enabled
        || kind == DestinationAddressKind.Public
        || allowed.Any(n => DestinationAddressPolicy.Contains(n, address) || (address.IsIPv4MappedToIPv6 && DestinationAddressPolicy.Contains(n, address.MapToIPv4())));
}
