using System.Buffers.Binary;
using NodaTime;

namespace Opportunity.Persistence.PostgreSql;

/// <summary>
/// The rows of a binary <c>COPY … TO STDOUT</c> read straight from the raw stream
/// (<c>BeginRawBinaryCopyAsync</c>): the buffer is filled with synchronous reads until it is full
/// (the stream hands over one <c>CopyData</c> message, about one row, per read; the reader runs on a
/// thread of its own, so blocking it costs nothing and saves an await per row), then rows are
/// taken from it and their columns read as spans — no object per value. Only the types the pipeline reads: <c>smallint</c>, <c>bigint</c>, <c>date</c>,
/// <c>timestamptz</c> (integer datetimes, the only kind since PostgreSQL 10) and text as UTF-8
/// (Npgsql's connections use that client encoding).
/// </summary>
internal sealed class PgCopyRows
{
    private const int HeaderLength = 19; // "PGCOPY\n\xff\r\n\0", flags, extension length
    private static ReadOnlySpan<byte> Signature => [(byte)'P', (byte)'G', (byte)'C', (byte)'O', (byte)'P', (byte)'Y', (byte)'\n', 0xFF, (byte)'\r', (byte)'\n', 0];

    /// <summary>2000-01-01, PostgreSQL's epoch for dates and timestamps, as a <see cref="DateOnly.DayNumber"/> and in Unix microseconds.</summary>
    private static readonly int EpochDayNumber = new DateOnly(2000, 1, 1).DayNumber;
    private const long EpochUnixMicros = 946_684_800_000_000;
    private static readonly long MinMicros = (Instant.MinValue.ToUnixTimeTicks() / 10) - EpochUnixMicros;
    private static readonly long MaxMicros = (Instant.MaxValue.ToUnixTimeTicks() / 10) - EpochUnixMicros;

    private readonly Stream _stream;
    private readonly int[] _offsets;
    private readonly int[] _lengths;
    private byte[] _buffer = new byte[1 << 16];
    private int _start;
    private int _end;
    private int _rowEnd;
    private bool _headerRead;
    private bool _ended;

    public PgCopyRows(Stream stream, int columns)
    {
        _stream = stream;
        _offsets = new int[columns];
        _lengths = new int[columns];
    }

    /// <summary>Moves to the next row; false after the last (the stream is then read to its end).</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled (checked at each refill).</exception>
    public bool Read(CancellationToken cancellationToken)
    {
        _start = _rowEnd;
        while (true)
        {
            switch (TryTakeRow())
            {
                case > 0:
                    return true;
                case < 0:
                    _start = _end;
                    while (Fill(cancellationToken))
                    {
                        _start = _end;
                    }

                    return false;
            }

            if (!Fill(cancellationToken))
            {
                throw new InvalidDataException("The COPY stream ended inside a row.");
            }
        }
    }

    public bool IsNull(int column) => _lengths[column] < 0;

    public ReadOnlySpan<byte> Utf8(int column) => Value(column, _lengths[column]);

    public short Int16(int column) => BinaryPrimitives.ReadInt16BigEndian(Value(column, 2));

    public long Int64(int column) => BinaryPrimitives.ReadInt64BigEndian(Value(column, 8));

    /// <summary>A <c>date</c>; null for ±infinity and days outside .NET's years 1 to 9999.</summary>
    public LocalDate? Date(int column)
    {
        var days = (long)BinaryPrimitives.ReadInt32BigEndian(Value(column, 4)) + EpochDayNumber;
        return days is >= 0 and <= 3_652_058 ? LocalDate.FromDateOnly(DateOnly.FromDayNumber((int)days)) : null;
    }

    /// <summary>A <c>timestamptz</c>; null for ±infinity and instants outside NodaTime's range.</summary>
    public Instant? Timestamp(int column)
    {
        var micros = BinaryPrimitives.ReadInt64BigEndian(Value(column, 8));
        return micros >= MinMicros && micros <= MaxMicros ? Instant.FromUnixTimeTicks((micros + EpochUnixMicros) * 10) : null;
    }

    private ReadOnlySpan<byte> Value(int column, int length) =>
        _lengths[column] == length
            ? _buffer.AsSpan(_offsets[column], length)
            : throw new InvalidDataException($"COPY column {column} holds {_lengths[column]} bytes, not {length}.");

    /// <summary>1: a whole row is in the buffer; 0: more bytes are needed; -1: the trailer was read.</summary>
    private int TryTakeRow()
    {
        var position = _start;
        if (!_headerRead)
        {
            if (_end - position < HeaderLength)
            {
                return 0;
            }

            if (!_buffer.AsSpan(position, Signature.Length).SequenceEqual(Signature))
            {
                throw new InvalidDataException("Not a binary COPY stream.");
            }

            var extension = BinaryPrimitives.ReadInt32BigEndian(_buffer.AsSpan(position + 15, 4));
            if (_end - position < HeaderLength + extension)
            {
                return 0;
            }

            _start = position += HeaderLength + extension;
            _headerRead = true;
        }

        if (_end - position < 2)
        {
            return 0;
        }

        var count = BinaryPrimitives.ReadInt16BigEndian(_buffer.AsSpan(position, 2));
        if (count == -1)
        {
            _rowEnd = position + 2;
            return -1;
        }

        if (count != _offsets.Length)
        {
            throw new InvalidDataException($"A COPY row holds {count} columns, not {_offsets.Length}.");
        }

        position += 2;
        for (var i = 0; i < count; i++)
        {
            if (_end - position < 4)
            {
                return 0;
            }

            var length = BinaryPrimitives.ReadInt32BigEndian(_buffer.AsSpan(position, 4));
            position += 4;
            if (length > 0 && _end - position < length)
            {
                return 0;
            }

            _offsets[i] = position;
            _lengths[i] = length;
            position += Math.Max(length, 0);
        }

        _rowEnd = position;
        return 1;
    }

    /// <summary>
    /// Keeps the unread bytes (moved to the front, the buffer grown for a row larger than it) and
    /// reads until the buffer is full or the stream ends; false when nothing more was read.
    /// </summary>
    private bool Fill(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var unread = _end - _start;
        if (_start > 0)
        {
            _buffer.AsSpan(_start, unread).CopyTo(_buffer);
        }
        else if (unread == _buffer.Length)
        {
            Array.Resize(ref _buffer, _buffer.Length * 2);
        }

        _start = 0;
        _rowEnd = 0;
        _end = unread;
        while (!_ended && _end < _buffer.Length)
        {
            var read = _stream.Read(_buffer.AsSpan(_end));
            _ended = read == 0;
            _end += read;
        }

        return _end > unread;
    }
}
