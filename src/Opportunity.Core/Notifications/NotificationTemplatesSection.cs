using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Opportunity.Configuration;

namespace Opportunity.Notifications;

/// <summary>
/// Reads <see cref="NotificationDispatcherOptions.Templates"/> from the <c>Templates</c> section:
/// <c>Templates:{EventType}:{Audience}:{language}</c> with <c>Subject</c>, <c>TextBody</c> and
/// <c>HtmlBody</c> written inline, or the bodies in files (<c>TextBodyFile</c>, <c>HtmlBodyFile</c>)
/// resolved against the content root. A configured template replaces the catalog's one for its key,
/// taking the parts it does not set from it; every other template stays. Each template is parsed and
/// its placeholders checked against its event's fields, so a broken one fails the start with an
/// <see cref="OptionsValidationException"/> naming its key path.
/// </summary>
internal sealed class NotificationTemplatesSection : IConfigureOptions<NotificationDispatcherOptions>
{
    public const string Name = nameof(NotificationDispatcherOptions.Templates);

    private const string Subject = nameof(NotificationTemplate.Subject);
    private const string TextBody = nameof(NotificationTemplate.TextBody);
    private const string HtmlBody = nameof(NotificationTemplate.HtmlBody);
    private const string TextBodyFile = "TextBodyFile";
    private const string HtmlBodyFile = "HtmlBodyFile";

    private readonly IConfiguration _configuration;
    private readonly IHostEnvironment? _host;

    public NotificationTemplatesSection(IConfiguration configuration, IServiceProvider services)
    {
        _configuration = configuration;
        _host = services.GetService<IHostEnvironment>();
    }

    public void Configure(NotificationDispatcherOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (ConfigurationReader.For(_configuration, failures).Section(Name) is not { } templates)
        {
            return;
        }

        foreach (var eventSection in templates.Children())
        {
            var eventType = DomainEventSerializer.KnownTypes.FirstOrDefault(t => string.Equals(t.Name, eventSection.Key, StringComparison.OrdinalIgnoreCase));
            if (eventType is null)
            {
                eventSection.Fail(null, $"not a known event type. Events of your own: call DomainEventSerializer.Register before the host starts. Known: {string.Join(", ", DomainEventSerializer.KnownTypes.Select(t => t.Name).Order(StringComparer.Ordinal))}.");
                continue;
            }

            foreach (var audienceSection in eventSection.Children())
            {
                if (!Enum.TryParse<NotificationAudience>(audienceSection.Key, ignoreCase: true, out var audience) || !Enum.IsDefined(audience) || char.IsAsciiDigit(audienceSection.Key[0]))
                {
                    audienceSection.Fail(null, $"not an audience; write one of {string.Join(", ", Enum.GetNames<NotificationAudience>())}.");
                    continue;
                }

                foreach (var language in audienceSection.Children())
                {
                    Read(language, eventType, audience, options.Templates);
                }
            }
        }

        if (failures.Count > 0)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(NotificationDispatcherOptions), failures);
        }
    }

    private void Read(ConfigurationReader section, Type eventType, NotificationAudience audience, NotificationTemplateCatalog catalog)
    {
        section.Allow(Subject, TextBody, HtmlBody, TextBodyFile, HtmlBodyFile);
        var current = catalog.Find(eventType.Name, audience, section.Key, section.Key);
        var subject = section.String(Subject) ?? current?.Subject;
        if (!TryBody(section, TextBody, TextBodyFile, out var text) | !TryBody(section, HtmlBody, HtmlBodyFile, out var html))
        {
            return;
        }

        text ??= current?.TextBody;
        html ??= current?.HtmlBody;
        if (subject is null || text is null)
        {
            section.Fail(subject is null ? Subject : TextBody, $"required: no built-in template for {eventType.Name}/{audience}/{section.Key} to take it from.");
            return;
        }

        section.Create(null, () => catalog.Set(new NotificationTemplate(eventType.Name, audience, section.Key, subject, text, html), eventType));
    }

    /// <summary>A body written inline or read from a file under the content root (null when neither is set); false after a recorded failure.</summary>
    private bool TryBody(ConfigurationReader section, string inlineKey, string fileKey, out string? body)
    {
        body = section.String(inlineKey);
        if (section.String(fileKey) is not { } file)
        {
            return true;
        }

        if (body is not null)
        {
            section.Fail(fileKey, $"set {inlineKey} or {fileKey}, not both.");
            return false;
        }

        var path = ContentRoot.Resolve(_host, file);
        try
        {
            body = File.ReadAllText(path);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            section.Fail(fileKey, $"'{path}' cannot be read: {e.Message}");
            return false;
        }
    }
}
