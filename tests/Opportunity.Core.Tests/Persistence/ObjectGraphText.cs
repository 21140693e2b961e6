using System.Reflection;
using System.Text;

namespace Opportunity.Core.Tests.Persistence;

/// <summary>
/// Every string reachable from an object through its fields (and array elements), as UTF-8 bytes: how
/// the erasure test searches "all the state" of the in-memory store without the store's help.
/// </summary>
internal static class ObjectGraphText
{
    public static byte[] Collect(object root)
    {
        var text = new StringBuilder();
        var seen = new HashSet<object>(ReferenceEqualityComparer.Instance);
        var stack = new Stack<object>();
        stack.Push(root);
        while (stack.Count > 0)
        {
            var current = stack.Pop();
            var type = current.GetType();
            if (current is string s)
            {
                text.Append(s).Append('\n');
                continue;
            }

            if (type.IsPrimitive || type.IsEnum || current is Delegate or MemberInfo or Assembly || (!type.IsValueType && !seen.Add(current)))
            {
                continue;
            }

            if (current is Array array)
            {
                foreach (var item in array)
                {
                    if (item is not null)
                    {
                        stack.Push(item);
                    }
                }

                continue;
            }

            for (var t = type; t is not null; t = t.BaseType)
            {
                foreach (var field in t.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
                {
                    if (!field.FieldType.IsPointer && !field.FieldType.IsByRefLike && field.GetValue(current) is { } value)
                    {
                        stack.Push(value);
                    }
                }
            }
        }

        return Encoding.UTF8.GetBytes(text.ToString());
    }
}
