using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Opportunity.Forecasting;

/// <summary>
/// Maps a row to a dense code of one dimension. Implemented by structs so the grouping loops are
/// compiled once per dimension (generic specialisation) with the lookup inlined.
/// </summary>
internal interface IRowKey
{
    int Code(int row);
}

/// <summary>Cardinality of a key's dense codes and the offset that turns a dense code into the dimension's absolute code.</summary>
internal readonly record struct RowKeyInfo(int Cardinality, int Offset);

internal readonly struct NoKey : IRowKey
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Code(int row) => 0;
}

internal readonly struct ByteKey(byte[] column) : IRowKey
{
    private readonly byte[] _column = column;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Code(int row) => Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_column), row);
}

internal readonly struct UShortKey(ushort[] column) : IRowKey
{
    private readonly ushort[] _column = column;


    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Code(int row) => Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_column), row);
}

internal readonly struct MonthKey(short[] column, int minimum) : IRowKey
{
    private readonly short[] _column = column;
    private readonly int _minimum = minimum;


    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Code(int row) => Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_column), row) - _minimum;
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
}

/// <summary>Receives a key chosen at run time as a compile-time struct type.</summary>
internal interface IRowKeyConsumer<out TResult>
{
    TResult Consume<TKey>(TKey key, RowKeyInfo info)
        where TKey : struct, IRowKey;
}
