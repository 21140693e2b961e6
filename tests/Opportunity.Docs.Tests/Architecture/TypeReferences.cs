using System.Reflection;
using System.Reflection.Emit;

namespace Opportunity.Docs.Tests.Architecture;

/// <summary>
/// The types a compiled type refers to: its base type and interfaces, fields, properties, events,
/// method and constructor signatures, generic constraints, attributes, local variables, and every
/// type and member named in its method bodies (IL operands resolved through the module). Nested
/// and compiler-generated types (lambdas, async state machines) count for the namespace of the type
/// that declares them.
/// </summary>
internal static class TypeReferences
{
    private const BindingFlags Declared = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value);

    /// <summary>Each type <paramref name="type"/> refers to, with what refers to it (for the failure message).</summary>
    public static IEnumerable<(Type Target, string Via)> Of(Type type)
    {
        var found = new List<(Type, string)>();
        void Add(Type? target, string via)
        {
            foreach (var t in Expand(target))
            {
                found.Add((t, via));
            }
        }

        Add(type.BaseType, "base type");
        foreach (var i in type.GetInterfaces())
        {
            Add(i, "interface");
        }

        AddAttributes(type.CustomAttributes, "attribute", Add);
        foreach (var argument in type.IsGenericTypeDefinition ? type.GetGenericArguments() : [])
        {
            foreach (var constraint in argument.GetGenericParameterConstraints())
            {
                Add(constraint, "generic constraint");
            }
        }

        foreach (var field in type.GetFields(Declared))
        {
            Add(field.FieldType, $"field {field.Name}");
            AddAttributes(field.CustomAttributes, $"field {field.Name}", Add);
        }

        foreach (var property in type.GetProperties(Declared))
        {
            Add(property.PropertyType, $"property {property.Name}");
            AddAttributes(property.CustomAttributes, $"property {property.Name}", Add);
        }

        foreach (var e in type.GetEvents(Declared))
        {
            Add(e.EventHandlerType, $"event {e.Name}");
        }

        foreach (var method in type.GetMethods(Declared).Cast<MethodBase>().Concat(type.GetConstructors(Declared)))
        {
            var via = $"{(method.IsConstructor ? "constructor" : "method " + method.Name)}";
            if (method is MethodInfo info)
            {
                Add(info.ReturnType, via);
                foreach (var argument in info.IsGenericMethodDefinition ? info.GetGenericArguments() : [])
                {
                    foreach (var constraint in argument.GetGenericParameterConstraints())
                    {
                        Add(constraint, via);
                    }
                }
            }

            foreach (var parameter in method.GetParameters())
            {
                Add(parameter.ParameterType, via);
                AddAttributes(parameter.CustomAttributes, via, Add);
            }

            AddAttributes(method.CustomAttributes, via, Add);
            foreach (var target in BodyReferences(method))
            {
                Add(target, via + " body");
            }
        }

        return found;
    }

    private static void AddAttributes(IEnumerable<CustomAttributeData> attributes, string via, Action<Type?, string> add)
    {
        foreach (var attribute in attributes)
        {
            add(attribute.AttributeType, via);
            foreach (var argument in attribute.ConstructorArguments.Concat(attribute.NamedArguments.Select(n => n.TypedValue)))
            {
                add(argument.Value as Type, via);
            }
        }
    }

    /// <summary>The types of the method's locals and of the operands of its IL: types, and the declaring types of fields and methods.</summary>
    private static IEnumerable<Type> BodyReferences(MethodBase method)
    {
        var body = method.GetMethodBody();
        if (body is null)
        {
            yield break;
        }

        foreach (var local in body.LocalVariables)
        {
            yield return local.LocalType;
        }

        var il = body.GetILAsByteArray() ?? [];
        var typeArguments = method.DeclaringType is { IsGenericType: true } d ? d.GetGenericArguments() : null;
        var methodArguments = method.IsGenericMethod ? method.GetGenericArguments() : null;
        for (var at = 0; at < il.Length;)
        {
            short value = il[at] == 0xFE ? (short)(0xFE00 | il[at + 1]) : il[at];
            var code = OpCodesByValue[value];
            at += code.Size;
            var operand = code.OperandType switch
            {
                OperandType.InlineNone => 0,
                OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
                OperandType.InlineVar => 2,
                OperandType.InlineI8 or OperandType.InlineR => 8,
                OperandType.InlineSwitch => 4 + (4 * BitConverter.ToInt32(il, at)),
                _ => 4,
            };
            if (code.OperandType is OperandType.InlineType or OperandType.InlineMethod or OperandType.InlineField or OperandType.InlineTok)
            {
                var member = method.Module.ResolveMember(BitConverter.ToInt32(il, at), typeArguments, methodArguments);
                switch (member)
                {
                    case Type t:
                        yield return t;
                        break;
                    case FieldInfo f:
                        yield return f.DeclaringType!;
                        yield return f.FieldType;
                        break;
                    case MethodBase m:
                        yield return m.DeclaringType!;
                        if (m is MethodInfo { IsGenericMethod: true } generic)
                        {
                            foreach (var argument in generic.GetGenericArguments())
                            {
                                yield return argument;
                            }
                        }

                        break;
                }
            }

            at += operand;
        }
    }

    /// <summary>The named types inside <paramref name="type"/>: element types of arrays, by-refs and pointers, and generic arguments.</summary>
    private static IEnumerable<Type> Expand(Type? type)
    {
        if (type is null || type.IsGenericParameter)
        {
            yield break;
        }

        if (type.HasElementType)
        {
            foreach (var element in Expand(type.GetElementType()))
            {
                yield return element;
            }

            yield break;
        }

        yield return type.IsGenericType ? type.GetGenericTypeDefinition() : type;
        if (type.IsGenericType && !type.IsGenericTypeDefinition)
        {
            foreach (var argument in type.GetGenericArguments().SelectMany(Expand))
            {
                yield return argument;
            }
        }
    }
}
