namespace Opportunity.Notifications.Webhooks;

/// <summary>Thrown by <see cref="WebhookVerifier.Verify(string?, string?, string?, ReadOnlySpan{byte})"/> when a webhook is not authentic or not fresh.</summary>
public sealed class WebhookVerificationException : Exception
{
    /// <summary>Creates the exception.</summary>
    public WebhookVerificationException(WebhookVerificationFailure failure, string message)
        : base(message)
    {
        Failure = failure;
    }

    /// <summary>Why verification failed.</summary>
    public WebhookVerificationFailure Failure { get; }
}
