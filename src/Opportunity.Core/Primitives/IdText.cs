namespace Opportunity;

/// <summary>The one rule every identifier follows, so ids survive CSV, URLs, SQL and log lines unchanged.</summary>
internal static class IdText
{
    public const int MaxLength = 100;

    public static string Validate(string? value, string paramName, string kind)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new ArgumentException($"{kind} must not be empty.", paramName);
        }

        if (value.Length > MaxLength)
        {
            throw new ArgumentException($"{kind} '{value[..20]}…' is longer than {MaxLength} characters.", paramName);
        }

        foreach (var c in value)
        {
            if (char.IsControl(c) || char.IsWhiteSpace(c))
            {
                throw new ArgumentException($"{kind} '{value}' contains white space or a control character.", paramName);
            }
        }

        return value;
    }

    public static string Require(string? value, string kind) =>
        value ?? throw new InvalidOperationException($"Default {kind} has no value; create one with a constructor.");
}
