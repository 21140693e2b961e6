using System.Buffers;
using System.IO.Compression;
using System.Text;

namespace Opportunity.Routing;

/// <summary>
/// The stored form of a <see cref="RoutingDecisionSummary"/>: a version byte, then a raw deflate
/// stream of unsigned LEB128 integers (signed ones zig-zag encoded), UTF-8 strings prefixed with
/// their byte length, and scores and weights as integers in units of 0.0001 (candidates' totals are
/// not stored: they are Σ weight × score of the stored values). Binary and compressed rather than
/// JSON because it is written once per routed lead and read only by <c>explain</c>. Format 1
/// deflates the body alone; format 2 (written since 0.3.0) deflates it after <see cref="Dictionary"/>
/// and stores only what follows the dictionary's part of the stream, so the rule kinds and note
/// texts nearly every summary holds become back-references of two or three bytes (the body of a
/// routed lead of the storage scenario: 416 bytes, 313 deflated alone). Both are read.
/// </summary>
internal static class RoutingDecisionSummaryCodec
{
    private const byte Format1 = 1;
    private const byte Format2 = 2;

    /// <summary>
    /// Format 2's preset dictionary: the built-in rule kinds and the fixed words of their notes. Never change
    /// it — stored summaries refer into it by distance; other text needs a new format.
    /// </summary>
    private static readonly byte[] Dictionary = Encoding.UTF8.GetBytes(
        "workingPartner roundRobin weightedRandom drawn with weight proximity geoRadius km away, beyond  partner(s) within "
        + "certification lacks certification ' minimumTier (level ) is below level performance broadcast offered to the top "
        + " candidates; the first to accept wins channel conflict: does not work the duplicated lead waited longest: last assignment  h before "
        + "all  partners of the network (no territory or radius rule narrows this lead) territory does not cover does not speak '"
        + ", shared by  partners: the one waiting longest wins at capacity ( of  open leads) does not sell '"
        + "\tterritory\u0000\u0000 partners cover \u0000\u0001\u000fexcludePrevious\u0000\u0000\u0001\u0006active\u0000\u0000\u0001\u000bproductLine\u0000\u0000"
        + "\u0001\u0008language\u0000\u0000\u0001\u0008capacity\u0000\u0000\u0002\u000dloadBalancing\u0000\u0002\u0004tier\u0003\u000chighestScore\u0000\u0000highest total score ");

    /// <summary>The dictionary deflated up to a sync flush (byte-aligned, not final): what a format 2 value continues.</summary>
    private static readonly byte[] DictionaryPrefix = DeflateDictionary(out _);
    private const double ScoreUnit = 10_000;

    /// <summary>Largest inflated body read: far above any summary (steps × 3 reasons of 200 characters), so a corrupt or hostile value cannot inflate without bound.</summary>
    private const int MaxBodyBytes = 1 << 20;

    public static byte[] Encode(RoutingDecisionSummary summary)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        WriteUnsigned(buffer, (ulong)summary.NetworkSize);
        WriteUnsigned(buffer, summary.UsedFallback ? 1UL : 0UL);
        WriteUnsigned(buffer, (ulong)(summary.UnroutableStep + 1));
        WriteUnsigned(buffer, (ulong)summary.Steps.Count);
        foreach (var step in summary.Steps)
        {
            buffer.Write([(byte)step.Role]);
            WriteString(buffer, step.Kind);
            WriteString(buffer, step.Description == step.Kind ? string.Empty : step.Description); // most rules describe themselves by kind
            WriteScore(buffer, step.Weight);
            WriteUnsigned(buffer, (ulong)step.CandidatesBefore);
            WriteUnsigned(buffer, (ulong)step.CandidatesAfter);
            WriteString(buffer, step.Note);
            WriteUnsigned(buffer, (ulong)step.Removals.Count);
            foreach (var removal in step.Removals)
            {
                WriteString(buffer, removal.Example.Value);
                WriteString(buffer, removal.Reason);
                WriteUnsigned(buffer, (ulong)removal.Count);
            }
        }

        var scorers = summary.TopCandidates.Count > 0 ? summary.TopCandidates[0].Scores.Count : 0;
        WriteUnsigned(buffer, (ulong)summary.CandidatesScored);
        WriteUnsigned(buffer, (ulong)summary.TopCandidates.Count);
        WriteUnsigned(buffer, (ulong)scorers);
        foreach (var candidate in summary.TopCandidates)
        {
            WriteString(buffer, candidate.Partner.Value);
            WriteUnsigned(buffer, candidate.Picked ? 1UL : 0UL);
            for (var i = 0; i < scorers; i++)
            {
                WriteScore(buffer, i < candidate.Scores.Count ? candidate.Scores[i] : 0);
            }
        }

        using var output = new MemoryStream();
        long start;
        using (var deflate = StartAfterDictionary(output, out start))
        {
            deflate.Write(buffer.WrittenSpan);
        }

        var stored = new byte[1 + output.Length - start];
        stored[0] = Format2;
        output.GetBuffer().AsSpan((int)start, (int)(output.Length - start)).CopyTo(stored.AsSpan(1));
        return stored;
    }

    private static byte[] DeflateDictionary(out long length)
    {
        using var output = new MemoryStream();
        using (StartAfterDictionary(output, out length))
        {
        }

        return output.GetBuffer()[..(int)length];
    }

    // A deflate stream that has written the dictionary and flushed (a sync flush: the stream is byte-aligned
    // there and its window holds the dictionary); start is the length of the output at that point.
    private static DeflateStream StartAfterDictionary(MemoryStream output, out long start)
    {
        var deflate = new DeflateStream(output, CompressionLevel.SmallestSize, leaveOpen: true);
        deflate.Write(Dictionary);
        deflate.Flush();
        start = output.Length;
        return deflate;
    }

    public static RoutingDecisionSummary Decode(ReadOnlySpan<byte> stored)
    {
        if (stored.IsEmpty)
        {
            throw new FormatException("Routing decision summary is empty.");
        }

        var reader = new Reader(stored[0] switch
        {
            Format1 => Inflate(stored[1..]),
            Format2 => InflateAfterDictionary(stored[1..]),
            _ => throw new FormatException($"Routing decision summary format {stored[0]} is unknown to this version (it reads formats {Format1} and {Format2})."),
        });

        var networkSize = reader.Int();
        var usedFallback = reader.Int() != 0;
        var unroutableStep = reader.Int() - 1;
        var steps = new RoutingStepSummary[reader.Count()];
        for (var i = 0; i < steps.Length; i++)
        {
            var role = (RoutingStepRole)reader.Byte();
            if (!Enum.IsDefined(role))
            {
                throw new FormatException($"Step {i + 1} has the unknown role {(int)role}.");
            }

            var kind = reader.String();
            var description = reader.String();
            var weight = reader.Score();
            var before = reader.Int();
            var after = reader.Int();
            var note = reader.String();
            var removals = new RoutingRemovalSummary[reader.Count()];
            for (var r = 0; r < removals.Length; r++)
            {
                removals[r] = new RoutingRemovalSummary(new PartnerId(reader.String()), reader.String(), reader.Int());
            }

            steps[i] = new RoutingStepSummary(role, kind, description.Length == 0 ? kind : description, weight, before, after, note, removals);
        }

        var weights = steps.Where(s => s.Role == RoutingStepRole.Scorer).Select(s => s.Weight).ToArray();
        var scored = reader.Int();
        var candidates = new RoutingCandidateSummary[reader.Count()];
        var scorers = reader.Count();
        for (var c = 0; c < candidates.Length; c++)
        {
            var partner = new PartnerId(reader.String());
            var picked = reader.Int() != 0;
            var scores = new double[scorers];
            for (var i = 0; i < scorers; i++)
            {
                scores[i] = reader.Score();
            }

            candidates[c] = new RoutingCandidateSummary(partner, picked, RoutingDecisionSummary.Total(weights, scores), scores);
        }

        if (!reader.AtEnd)
        {
            throw new FormatException("Routing decision summary has trailing bytes.");
        }

        return new RoutingDecisionSummary(networkSize, usedFallback, unroutableStep, steps, candidates, scored);
    }

    // Format 2: the stored bytes continue the deflated dictionary; the dictionary's text is dropped from the output.
    private static byte[] InflateAfterDictionary(ReadOnlySpan<byte> deflated)
    {
        var whole = new byte[DictionaryPrefix.Length + deflated.Length];
        DictionaryPrefix.CopyTo(whole, 0);
        deflated.CopyTo(whole.AsSpan(DictionaryPrefix.Length));
        var body = Inflate(whole, Dictionary.Length);
        return body.AsSpan(0, Dictionary.Length).SequenceEqual(Dictionary)
            ? body[Dictionary.Length..]
            : throw new FormatException("Routing decision summary does not continue its dictionary.");
    }

    private static byte[] Inflate(ReadOnlySpan<byte> deflated, int dictionaryLength = 0)
    {
        try
        {
            using var input = new MemoryStream(deflated.ToArray());
            using var inflate = new DeflateStream(input, CompressionMode.Decompress);
            using var body = new MemoryStream();
            var chunk = new byte[4096];
            int read;
            while ((read = inflate.Read(chunk)) > 0)
            {
                body.Write(chunk, 0, read);
                if (body.Length > MaxBodyBytes + dictionaryLength)
                {
                    throw new FormatException($"Routing decision summary inflates beyond {MaxBodyBytes} bytes.");
                }
            }

            return body.ToArray();
        }
        catch (InvalidDataException ex)
        {
            throw new FormatException($"Routing decision summary is not a valid deflate stream: {ex.Message}", ex);
        }
    }

    private static void WriteScore(ArrayBufferWriter<byte> buffer, double value)
    {
        var units = (long)Math.Round(value * ScoreUnit, MidpointRounding.ToEven);
        WriteUnsigned(buffer, (ulong)((units << 1) ^ (units >> 63)));
    }

    private static void WriteString(ArrayBufferWriter<byte> buffer, string text)
    {
        var length = Encoding.UTF8.GetByteCount(text);
        WriteUnsigned(buffer, (ulong)length);
        Encoding.UTF8.GetBytes(text, buffer.GetSpan(length));
        buffer.Advance(length);
    }

    private static void WriteUnsigned(ArrayBufferWriter<byte> buffer, ulong value)
    {
        var span = buffer.GetSpan(10);
        var n = 0;
        while (value >= 0x80)
        {
            span[n++] = (byte)(value | 0x80);
            value >>= 7;
        }

        span[n++] = (byte)value;
        buffer.Advance(n);
    }

    private ref struct Reader(ReadOnlySpan<byte> bytes)
    {
        private readonly ReadOnlySpan<byte> _bytes = bytes;
        private int _position;

        public readonly bool AtEnd => _position == _bytes.Length;

        public byte Byte() => _position < _bytes.Length ? _bytes[_position++] : throw Truncated();

        public ulong Unsigned()
        {
            ulong value = 0;
            for (var shift = 0; shift < 64; shift += 7)
            {
                var b = Byte();
                value |= (ulong)(b & 0x7F) << shift;
                if (b < 0x80)
                {
                    return value;
                }
            }

            throw new FormatException("Routing decision summary has an integer longer than 64 bits.");
        }

        public int Int()
        {
            var value = Unsigned();
            return value <= int.MaxValue ? (int)value : throw new FormatException($"Routing decision summary has a count of {value}, beyond 32 bits.");
        }

        /// <summary>A count of items still to read: each takes at least one byte, so a count beyond the remaining bytes is corrupt.</summary>
        public int Count()
        {
            var count = Int();
            return count <= _bytes.Length - _position ? count : throw Truncated();
        }

        public double Score()
        {
            var raw = Unsigned();
            var units = (long)(raw >> 1) ^ -(long)(raw & 1);
            return units / ScoreUnit;
        }

        public string String()
        {
            var length = Int();
            if (length > _bytes.Length - _position)
            {
                throw Truncated();
            }

            var text = Encoding.UTF8.GetString(_bytes.Slice(_position, length));
            _position += length;
            return text;
        }

        private readonly FormatException Truncated() => new($"Routing decision summary is truncated at byte {_position} of {_bytes.Length}.");
    }
}
