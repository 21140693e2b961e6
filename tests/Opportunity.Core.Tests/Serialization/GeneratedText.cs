using System.Buffers;
using System.Text;
using Opportunity.Pipelines;

namespace Opportunity.Core.Tests.Serialization;

/// <summary>Turns FsCheck's arbitrary strings into text the model accepts, for the JSON properties.</summary>
internal static class GeneratedText
{
    /// <summary>
    /// Text fields refuse empty text, control and format characters and lone surrogates (the model's
    /// text rule); such generated text is replaced by one that needs JSON escapes.
    /// </summary>
    public static string? Text(string? text) =>
        text is null ? null
        : text.Trim().Length > 0 && !HasLoneSurrogate(text) && text.EnumerateRunes().All(r => !Rune.IsControl(r) && Rune.GetUnicodeCategory(r) != System.Globalization.UnicodeCategory.Format) ? text
        : "Caf\u00e9 'quoted' <b>&amp;</b> \"x\" \\ \u20ac \U0001F600";

    /// <summary>
    /// Ids refuse control and format characters and lone surrogates; the properties are about the
    /// JSON, so an id the model refuses is replaced by <paramref name="fallback"/>.
    /// </summary>
    public static string Id(string text, string fallback)
    {
        try
        {
            _ = new OpportunityId(text);
            return text;
        }
        catch (InvalidTextException)
        {
            return fallback;
        }
    }

    private static bool HasLoneSurrogate(string text)
    {
        for (var i = 0; i < text.Length;)
        {
            if (Rune.DecodeFromUtf16(text.AsSpan(i), out _, out var consumed) != OperationStatus.Done)
            {
                return true;
            }

            i += consumed;
        }

        return false;
    }
}
