using System.Globalization;

namespace Opportunity.Routing;

/// <summary>
/// A trace message kept as a composite format string and its arguments, formatted only when read,
/// so routing allocates no strings. <c>{0}</c> and <c>{1}</c> are numbers, <c>{2}</c> is text,
/// e.g. <c>new RoutingNote("at capacity ({0} of {1} open leads)", 12, 12)</c>.
/// </summary>
public readonly record struct RoutingNote
{
    /// <summary>Creates a note.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="template"/> is null.</exception>
    public RoutingNote(string template, double arg0 = 0, double arg1 = 0, string? text = null)
    {
        ArgumentNullException.ThrowIfNull(template);
        Template = template;
        Arg0 = arg0;
        Arg1 = arg1;
        Text = text;
    }

    /// <summary>The composite format string; null for an empty note.</summary>
    public string? Template { get; }

    /// <summary>Argument <c>{0}</c>.</summary>
    public double Arg0 { get; }

    /// <summary>Argument <c>{1}</c>.</summary>
    public double Arg1 { get; }

    /// <summary>Argument <c>{2}</c>.</summary>
    public string? Text { get; }

    /// <summary>True for the empty note.</summary>
    public bool IsEmpty => Template is null;

    /// <summary>The formatted message (invariant culture); empty for the empty note.</summary>
    public override string ToString() =>
        Template is null ? string.Empty : string.Format(CultureInfo.InvariantCulture, Template, Arg0, Arg1, Text);
}
