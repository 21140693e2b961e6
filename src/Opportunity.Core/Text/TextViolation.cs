namespace Opportunity;

/// <summary>The rule a piece of text broke; carried by <see cref="InvalidTextException"/>.</summary>
public enum TextViolation
{
    /// <summary>The text is empty or only white space where a value is required.</summary>
    Empty,

    /// <summary>The text is longer than the field allows.</summary>
    TooLong,

    /// <summary>The text is not well-formed UTF-16: it holds a lone (unpaired) surrogate, which no store can keep faithfully.</summary>
    InvalidUtf16,

    /// <summary>The text holds a control character (Unicode category Cc), e.g. NUL; free text allows only tab, CR and LF.</summary>
    ControlCharacter,

    /// <summary>An identifier holds a format character (Unicode category Cf), e.g. a zero-width space, which would make two ids look alike.</summary>
    FormatCharacter,

    /// <summary>An identifier holds white space.</summary>
    WhiteSpace,
}
