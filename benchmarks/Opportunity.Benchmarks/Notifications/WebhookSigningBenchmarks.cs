using System.Text;
using BenchmarkDotNet.Attributes;
using NodaTime;
using NodaTime.Testing;
using Opportunity.Notifications.Webhooks;
using StandardWebhooks;

namespace Opportunity.Benchmarks.Notifications;

/// <summary>Signing and verifying one 1 KiB webhook, against the reference StandardWebhooks package.</summary>
[MemoryDiagnoser]
public class WebhookSigningBenchmarks
{
    private const string Secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private const string Id = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    private const long Timestamp = 1614265330;
    private readonly StandardWebhook _reference = new(Secret);
    private readonly WebhookSecret _secret = WebhookSecret.Parse(Secret);
    private string _body = string.Empty;
    private byte[] _bytes = [];
    private string _signature = string.Empty;
    private WebhookVerifier _verifier = null!;

    [GlobalSetup]
    public void Setup()
    {
        _body = "{\"type\":\"LeadAssigned\",\"data\":{\"note\":\"" + new string('x', 980) + "\"}}";
        _bytes = Encoding.UTF8.GetBytes(_body);
        _signature = WebhookSignature.Compute(_secret, Id, Timestamp, _bytes);
        _verifier = new WebhookVerifier(_secret, new FakeClock(Instant.FromUnixTimeSeconds(Timestamp)));
    }

    [Benchmark(Baseline = true)]
    public string ReferenceSign() => _reference.Sign(Id, DateTimeOffset.FromUnixTimeSeconds(Timestamp), _body);

    [Benchmark]
    public string Sign() => WebhookSignature.Compute(_secret, Id, Timestamp, _bytes);

    [Benchmark]
    public bool Verify() => _verifier.TryVerify(Id, "1614265330", _signature, _bytes, out _);
}
