namespace Opportunity.Persistence.InMemory;

/// <summary>
/// Orders strings by Unicode code point, which is the byte order of their UTF-8 form: the order
/// SQLite's BINARY and PostgreSQL's "C" collation give. (Ordinal UTF-16 order differs for
/// characters above U+FFFF versus U+E000–U+FFFF.) The stores' "ordered by id" means this order.
/// </summary>
internal sealed class CodePointComparer : IComparer<string>
{
    public static CodePointComparer Instance { get; } = new();

    public int Compare(string? x, string? y)
    {
        if (ReferenceEquals(x, y))
        {
            return 0;
        }

        if (x is null)
        {
            return -1;
        }

        if (y is null)
        {
            return 1;
        }

        var n = Math.Min(x.Length, y.Length);
        for (var i = 0; i < n; i++)
        {
            int a = x[i], b = y[i];
            if (a != b)
            {
                // Surrogates (U+D800–U+DFFF) encode code points above U+FFFF: move them above U+E000–U+FFFF.
                return Fix(a) - Fix(b);
            }
        }

        return x.Length - y.Length;
    }

    private static int Fix(int c) => c < 0xD800 ? c : c >= 0xE000 ? c - 0x800 : c + 0x2000;
}
