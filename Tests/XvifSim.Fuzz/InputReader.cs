using System.Buffers.Binary;

namespace XvifSim.Fuzz;

/// <summary>Little-endian fields read off the front of a fuzz input; past its end every byte reads as zero.</summary>
internal ref struct InputReader(ReadOnlySpan<byte> input)
{
    private ReadOnlySpan<byte> _rest = input;

    public readonly bool AtEnd => _rest.IsEmpty;

    public byte Byte()
    {
        Span<byte> b = stackalloc byte[1];
        Bytes(b);
        return b[0];
    }

    public ushort U16()
    {
        Span<byte> b = stackalloc byte[2];
        Bytes(b);
        return BinaryPrimitives.ReadUInt16LittleEndian(b);
    }

    public uint U32()
    {
        Span<byte> b = stackalloc byte[4];
        Bytes(b);
        return BinaryPrimitives.ReadUInt32LittleEndian(b);
    }

    /// <summary>Fills <paramref name="into"/> from the input, zeros where it ran out.</summary>
    public void Bytes(scoped Span<byte> into)
    {
        int n = Math.Min(into.Length, _rest.Length);
        _rest[..n].CopyTo(into);
        into[n..].Clear();
        _rest = _rest[n..];
    }
}
