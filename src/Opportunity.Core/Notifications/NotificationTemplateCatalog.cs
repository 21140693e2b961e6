
namespace Opportunity.Notifications;

/// <summary>
/// The templates of a deployment, keyed by event type, audience and language. Adding a template
/// for a new event type is all it takes for people to be notified of it; an event type without a
/// template reaches hosts (webhooks) only. Starts with the built-in English and German templates
/// (<see cref="CreateDefault"/>); replace any of them with <see cref="Set(NotificationTemplate)"/>.
/// Safe for concurrent reads and writes.
/// </summary>
public sealed class NotificationTemplateCatalog
{
    private readonly Lock _gate = new();
    private readonly Dictionary<(string EventType, NotificationAudience Audience, string Language), NotificationTemplate> _templates = [];

    /// <summary>A catalog with the built-in templates (English and German) for lead and opportunity events.</summary>
    public static NotificationTemplateCatalog CreateDefault()
    {
        var catalog = new NotificationTemplateCatalog();
        foreach (var template in DefaultNotificationTemplates.All)
        {
            catalog.Set(template);
        }

        return catalog;
    }

    /// <summary>Every template, ordered by event type, audience and language.</summary>
    public IReadOnlyList<NotificationTemplate> Templates
    {
        get
        {
            lock (_gate)
            {
                return [.. _templates.Values.OrderBy(t => t.EventType, StringComparer.Ordinal).ThenBy(t => t.Audience).ThenBy(t => t.Language, StringComparer.Ordinal)];
            }
        }
    }

    /// <summary>Adds a template, replacing the one for the same event type, audience and language.</summary>
    public NotificationTemplateCatalog Set(NotificationTemplate template)
    {
        ArgumentNullException.ThrowIfNull(template);
        lock (_gate)
        {
            _templates[(template.EventType, template.Audience, template.Language)] = template;
        }

        return this;
    }

    /// <summary>
    /// Adds a template for the event type <typeparamref name="TEvent"/>, checking that every
    /// placeholder names one of its JSON fields (as written by <see cref="DomainEventSerializer"/>)
    /// or a <see cref="NotificationTemplate.ContextPlaceholders">context placeholder</see>.
    /// </summary>
    /// <exception cref="InputValidationException">The template is malformed or uses an unknown placeholder; errors name the field.</exception>
    public NotificationTemplateCatalog Set<TEvent>(NotificationAudience audience, string language, string subject, string textBody, string? htmlBody = null)
        where TEvent : DomainEvent =>
        Set(new NotificationTemplate(typeof(TEvent).Name, audience, language, subject, textBody, htmlBody), typeof(TEvent));

    /// <summary>Adds a template after checking its placeholders against the fields of <paramref name="eventType"/>.</summary>
    /// <exception cref="InputValidationException">A placeholder names no field of the event and no context placeholder.</exception>
    internal NotificationTemplateCatalog Set(NotificationTemplate template, Type eventType)
    {
        var known = new HashSet<string>(DomainEventSerializer.Options.GetTypeInfo(eventType).Properties.Select(p => p.Name), StringComparer.Ordinal);
        known.UnionWith(NotificationTemplate.ContextPlaceholders);
        var errors = template.Placeholders
            .Where(p => !known.Contains(TemplateText.Root(p)))
            .Select(p => new ValidationError(
                $"{template.EventType}/{template.Audience}/{template.Language}",
                $"Unknown placeholder '{{{p}}}': {eventType.Name} has no field '{TemplateText.Root(p)}'. Known: {string.Join(", ", known.Order(StringComparer.Ordinal))}."))
            .ToList();
        if (errors.Count > 0)
        {
            throw new InputValidationException(errors);
        }

        return Set(template);
    }

    /// <summary>Removes every template of an event type for an audience (all languages). Returns how many were removed.</summary>
    public int Remove(string eventType, NotificationAudience audience)
    {
        lock (_gate)
        {
            var keys = _templates.Keys.Where(k => k.EventType == eventType && k.Audience == audience).ToList();
            keys.ForEach(k => _templates.Remove(k));
            return keys.Count;
        }
    }

    /// <summary>Removes every template.</summary>
    public void Clear()
    {
        lock (_gate)
        {
            _templates.Clear();
        }
    }

    /// <summary>The template in <paramref name="language"/>, else in <paramref name="fallbackLanguage"/>, else null.</summary>
    public NotificationTemplate? Find(string eventType, NotificationAudience audience, string language, string fallbackLanguage)
    {
        ArgumentNullException.ThrowIfNull(language);
        ArgumentNullException.ThrowIfNull(fallbackLanguage);
        lock (_gate)
        {
            return _templates.GetValueOrDefault((eventType, audience, language.ToLowerInvariant()))
                ?? _templates.GetValueOrDefault((eventType, audience, fallbackLanguage.ToLowerInvariant()));
        }
    }

    /// <summary>True when some template exists for the event type and audience, in any language.</summary>
    public bool HasTemplate(string eventType, NotificationAudience audience)
    {
        lock (_gate)
        {
            return _templates.Keys.Any(k => k.EventType == eventType && k.Audience == audience);
        }
    }

    /// <summary>
    /// The language to write to someone who reads <paramref name="preferred"/>: the fallback when
    /// they read it (or nothing is known), else the first of their languages (ordinal order) with a
    /// template, else the fallback.
    /// </summary>
    public string ChooseLanguage(string eventType, NotificationAudience audience, IEnumerable<string> preferred, string fallbackLanguage)
    {
        ArgumentNullException.ThrowIfNull(preferred);
        ArgumentNullException.ThrowIfNull(fallbackLanguage);
        var languages = preferred.Select(l => l.ToLowerInvariant()).Order(StringComparer.Ordinal).ToList();
        var fallback = fallbackLanguage.ToLowerInvariant();
        if (languages.Count == 0 || languages.Contains(fallback))
        {
            return fallback;
        }

        lock (_gate)
        {
            return languages.FirstOrDefault(l => _templates.ContainsKey((eventType, audience, l))) ?? fallback;
        }
    }
}
