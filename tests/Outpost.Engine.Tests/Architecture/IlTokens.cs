using System.Reflection;
using System.Reflection.Emit;
using System.Reflection.Metadata;

namespace Outpost.Engine.Tests.Architecture;

/// <summary>
/// The metadata tokens in a method body's IL (the types, fields, methods and signatures its instructions
/// name): the references a method makes however its source spelled them, fully qualified or not.
/// Operand sizes come from <see cref="OpCodes"/>, so every instruction is stepped over exactly.
/// </summary>
internal static class IlTokens
{
    static readonly Dictionary<ushort, OperandType> Operands = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => unchecked((ushort)o.Value), o => o.OperandType);

    public static IEnumerable<int> In(MethodBodyBlock body)
    {
        var il = body.GetILReader();
        var tokens = new List<int>();
        while (il.RemainingBytes > 0)
        {
            ushort code = il.ReadByte();
            if (code == 0xFE)
                code = (ushort)(0xFE00 | il.ReadByte());
            if (!Operands.TryGetValue(code, out var operand))
                throw new BadImageFormatException($"Unknown IL opcode 0x{code:X} at offset {il.Offset}.");
            switch (operand)
            {
                case OperandType.InlineField or OperandType.InlineMethod or OperandType.InlineTok or OperandType.InlineType or OperandType.InlineSig:
                    tokens.Add(il.ReadInt32());
                    break;
                case OperandType.InlineSwitch:
                    var targets = il.ReadInt32();
                    il.Offset += 4 * targets;
                    break;
                case OperandType.InlineI8 or OperandType.InlineR:
                    il.Offset += 8;
                    break;
                case OperandType.InlineBrTarget or OperandType.InlineI or OperandType.InlineString or OperandType.ShortInlineR:
                    il.Offset += 4;
                    break;
                case OperandType.InlineVar:
                    il.Offset += 2;
                    break;
                case OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar:
                    il.Offset += 1;
                    break;
            }
        }
        return tokens;
    }
}
