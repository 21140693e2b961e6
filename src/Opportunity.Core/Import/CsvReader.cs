using System.Text;

namespace Opportunity.Import;

/// <summary>
/// An RFC 4180 reader: fields separated by commas, records by CRLF, LF or CR; a field may be
/// quoted with <c>"</c>, inside which commas and line breaks are data and <c>""</c> is one quote. A
/// leading byte-order mark is skipped; an empty last line is not a record. Malformed quoting is
/// reported with its line and the reader resumes at the next line.
/// </summary>
internal sealed class CsvReader(TextReader reader)
{
    private int _line = 1;
    private bool _started;

    /// <summary>The next record; null at the end. <paramref name="error"/> describes a malformed record (which is then skipped).</summary>
    public CsvRecord? Read(out string? error)
    {
        error = null;
        if (!_started)
        {
            _started = true;
            if (reader.Peek() == '\uFEFF')
            {
                reader.Read();
            }
        }

        if (reader.Peek() < 0)
        {
            return null;
        }

        var start = _line;
        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        var afterQuote = false;
        var fieldStart = true;
        while (true)
        {
            var c = reader.Read();
            if (c < 0)
            {
                if (quoted)
                {
                    error = $"a quoted field starting on line {start} is not closed before the end of the file";
                }

                fields.Add(field.ToString());
                return new CsvRecord(start, fields);
            }

            if (quoted)
            {
                if (c == '"')
                {
                    if (reader.Peek() == '"')
                    {
                        reader.Read();
                        field.Append('"');
                    }
                    else
                    {
                        quoted = false;
                        afterQuote = true;
                    }
                }
                else
                {
                    if (c == '\n' || (c == '\r' && reader.Peek() != '\n'))
                    {
                        _line++;
                    }

                    field.Append((char)c);
                }

                continue;
            }

            switch (c)
            {
                case ',':
                    fields.Add(field.ToString());
                    field.Clear();
                    afterQuote = false;
                    fieldStart = true;
                    continue;
                case '\r' or '\n':
                    if (c == '\r' && reader.Peek() == '\n')
                    {
                        reader.Read();
                    }

                    _line++;
                    fields.Add(field.ToString());
                    return new CsvRecord(start, fields);
                case '"' when fieldStart:
                    quoted = true;
                    fieldStart = false;
                    continue;
                case '"':
                    error ??= $"a quote inside an unquoted field on line {_line}; quote the whole field and double the quote";
                    field.Append('"');
                    continue;
                default:
                    if (afterQuote && error is null)
                    {
                        error = $"text after the closing quote of a field on line {_line}";
                    }

                    fieldStart = false;
                    field.Append((char)c);
                    continue;
            }
        }
    }
}
