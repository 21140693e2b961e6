namespace Opportunity.Import;

/// <summary>
/// An RFC 4180 reader: fields separated by commas, records by CRLF, LF or CR; a field may be
/// quoted with <c>"</c>, inside which commas and line breaks are data and <c>""</c> is one quote. A
/// leading byte-order mark is skipped; an empty last line is not a record. Malformed quoting is
/// reported with its line and the reader resumes at the next line. It reads the text in blocks
/// and builds each field in one reused buffer; the values of columns that repeat (partners,
/// stages, currencies, …) are shared strings instead of one new string per cell.
/// </summary>
internal sealed class CsvReader(TextReader reader)
{
    /// <summary>At most this many distinct shared values; any further value is a string of its own.</summary>
    private const int MaxShared = 4096;

    private readonly char[] _buffer = new char[64 * 1024];
    private readonly Dictionary<string, string> _shared = new(StringComparer.Ordinal);
    private int _position;
    private int _length;
    private char[] _field = new char[256];
    private int _fieldLength;
    private bool[] _sharedColumns = [];
    private int _line = 1;
    private bool _started;

    /// <summary>The columns (0-based) whose values repeat across records and are shared.</summary>
    public void ShareValues(IEnumerable<int> columns)
    {
        var list = columns.ToList();
        _sharedColumns = new bool[list.Count == 0 ? 0 : list.Max() + 1];
        foreach (var column in list)
        {
            _sharedColumns[column] = true;
        }
    }

    /// <summary>The next record; null at the end. <paramref name="error"/> describes a malformed record (which is then skipped).</summary>
    public CsvRecord? Read(out string? error)
    {
        error = null;
        if (!_started)
        {
            _started = true;
            if (Peek() == '\uFEFF')
            {
                Next();
            }
        }

        if (Peek() < 0)
        {
            return null;
        }

        var start = _line;
        var fields = new List<string>(_sharedColumns.Length + 1);
        _fieldLength = 0;
        var quoted = false;
        var afterQuote = false;
        var fieldStart = true;
        while (true)
        {
            var c = Next();
            if (c < 0)
            {
                if (quoted)
                {
                    error = $"a quoted field starting on line {start} is not closed before the end of the file";
                }

                fields.Add(Field(fields.Count));
                return new CsvRecord(start, fields);
            }

            if (quoted)
            {
                if (c == '"')
                {
                    if (Peek() == '"')
                    {
                        Next();
                        Append('"');
                    }
                    else
                    {
                        quoted = false;
                        afterQuote = true;
                    }
                }
                else
                {
                    if (c == '\n' || (c == '\r' && Peek() != '\n'))
                    {
                        _line++;
                    }

                    Append((char)c);
                }

                continue;
            }

            switch (c)
            {
                case ',':
                    fields.Add(Field(fields.Count));
                    afterQuote = false;
                    fieldStart = true;
                    continue;
                case '\r' or '\n':
                    if (c == '\r' && Peek() == '\n')
                    {
                        Next();
                    }

                    _line++;
                    fields.Add(Field(fields.Count));
                    return new CsvRecord(start, fields);
                case '"' when fieldStart:
                    quoted = true;
                    fieldStart = false;
                    continue;
                case '"':
                    error ??= $"a quote inside an unquoted field on line {_line}; quote the whole field and double the quote";
                    Append('"');
                    continue;
                default:
                    if (afterQuote && error is null)
                    {
                        error = $"text after the closing quote of a field on line {_line}";
                    }

                    fieldStart = false;
                    Append((char)c);
                    continue;
            }
        }
    }

    private int Next() => _position < _length || Fill() ? _buffer[_position++] : -1;

    private int Peek() => _position < _length || Fill() ? _buffer[_position] : -1;

    private bool Fill()
    {
        _length = reader.Read(_buffer, 0, _buffer.Length);
        _position = 0;
        return _length > 0;
    }

    private void Append(char c)
    {
        if (_fieldLength == _field.Length)
        {
            Array.Resize(ref _field, _field.Length * 2);
        }

        _field[_fieldLength++] = c;
    }

    // The field's text (shared when its column repeats), and the buffer ready for the next field.
    private string Field(int column)
    {
        var text = _field.AsSpan(0, _fieldLength);
        _fieldLength = 0;
        if (text.IsEmpty)
        {
            return string.Empty;
        }

        if (column >= _sharedColumns.Length || !_sharedColumns[column])
        {
            return new string(text);
        }

        var lookup = _shared.GetAlternateLookup<ReadOnlySpan<char>>();
        if (lookup.TryGetValue(text, out var shared))
        {
            return shared;
        }

        var value = new string(text);
        if (_shared.Count < MaxShared)
        {
            _shared.Add(value, value);
        }

        return value;
    }
}
