using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Opportunity.Forecasting;

/// <summary>
/// Maps a row to a dense code of one dimension. Implemented by structs so the grouping loops are
/// compiled once per dimension (generic specialisation) with the lookup inlined.
/// </summary>
internal interface IRowKey
{
    int Code(int row);

    /// <summary>The codes of rows <paramref name="row"/> to <paramref name="row"/> + 7 (the column must extend that far).</summary>
    Vector256<int> Codes8(int row);

    /// <summary>The same codes widened to 64 bits (AVX-512 only).</summary>
    Vector512<long> Codes8Wide(int row);
}

/// <summary>Cardinality of a key's dense codes and the offset that turns a dense code into the dimension's absolute code.</summary>
internal readonly record struct RowKeyInfo(int Cardinality, int Offset);

internal readonly struct NoKey : IRowKey
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Code(int row) => 0;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<int> Codes8(int row) => Vector256<int>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector512<long> Codes8Wide(int row) => Vector512<long>.Zero;
}

internal readonly struct ByteKey(byte[] column) : IRowKey
{
    private readonly byte[] _column = column;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Code(int row) => Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_column), row);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<int> Codes8(int row) => Widen8(_column, row);

    /// <summary>Eight bytes of a column from <paramref name="row"/> on, zero-extended to 32 bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> Widen8(byte[] column, int row) =>
        Widen8(Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(column), row)));

    /// <summary>The eight bytes of a word, low byte first, zero-extended to 32 bits (with AVX2 one instruction, reading the column).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> Widen8(ulong bytes) =>
        Avx2.IsSupported
            ? Avx2.ConvertToVector256Int32(Vector128.CreateScalarUnsafe(bytes).AsByte())
            : Vector256.WidenLower(Vector128.WidenLower(Vector128.CreateScalarUnsafe(bytes).AsByte()).ToVector256Unsafe()).AsInt32();

    /// <summary>Eight bytes zero-extended straight to 64 bits (one instruction, reading the column).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector512<long> Codes8Wide(int row) =>
        Avx512F.ConvertToVector512Int64(Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_column), row))).AsByte());
}

internal readonly struct UShortKey(ushort[] column) : IRowKey
{
    private readonly ushort[] _column = column;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Code(int row) => Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_column), row);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<int> Codes8(int row) =>
        Vector256.WidenLower(Vector128.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(_column), (nuint)row).ToVector256Unsafe()).AsInt32();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector512<long> Codes8Wide(int row) => Avx512F.ConvertToVector512Int64(Codes8(row));
}

internal readonly struct MonthKey(short[] column, int minimum) : IRowKey
{
    private readonly short[] _column = column;
    private readonly int _minimum = minimum;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Code(int row) => Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_column), row) - _minimum;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<int> Codes8(int row) =>
        Vector256.WidenLower(Vector128.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(_column), (nuint)row).ToVector256Unsafe()) - Vector256.Create(_minimum);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector512<long> Codes8Wide(int row) => Avx512F.ConvertToVector512Int64(Codes8(row));
}

/// <summary>A period (quarter, fiscal year) code looked up from the row's month.</summary>
internal readonly struct MappedMonthKey(short[] column, int minimum, int[] map) : IRowKey
{
    private readonly short[] _column = column;
    private readonly int _minimum = minimum;
    private readonly int[] _map = map;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Code(int row) =>
        Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_map), Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_column), row) - _minimum);

    public Vector256<int> Codes8(int row) =>
        Vector256.Create(Code(row), Code(row + 1), Code(row + 2), Code(row + 3), Code(row + 4), Code(row + 5), Code(row + 6), Code(row + 7));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector512<long> Codes8Wide(int row) => Avx512F.ConvertToVector512Int64(Codes8(row));
}

/// <summary>Receives a key chosen at run time as a compile-time struct type.</summary>
internal interface IRowKeyConsumer<out TResult>
{
    TResult Consume<TKey>(TKey key, RowKeyInfo info)
        where TKey : struct, IRowKey;
}
