using System.Runtime.CompilerServices;

namespace XvifSim.Tests.Public.Abi;

/// <summary>Field offsets and sizes of Public's hypercall structures, measured on the running layout (no reflection).</summary>
internal static class Layout
{
    /// <summary>The byte offset of <paramref name="field"/> within <paramref name="whole"/>.</summary>
    public static long Offset<TStruct, TField>(ref TStruct whole, ref TField field)
        where TStruct : struct =>
        (long)Unsafe.ByteOffset(ref Unsafe.As<TStruct, byte>(ref whole), ref Unsafe.As<TField, byte>(ref field));
}
