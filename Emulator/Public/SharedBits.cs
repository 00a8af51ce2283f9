using System.Runtime.CompilerServices;
using System.Threading;

namespace XvifSim.Public;

/// <summary>
/// Atomic access to fields of a shared page (Xen's guest_test_and_set_bit and
/// friends). Both the hypervisor and the guest update these words
/// concurrently; each operation is one interlocked instruction on the real
/// bytes of the page. Offsets must be naturally aligned (guest pages are
/// 4096-byte aligned, so an aligned offset is an aligned address).
/// </summary>
public static class SharedBits
{
    /// <summary>Atomically sets <paramref name="bit"/> in the u64 at <paramref name="offset"/>; returns true if it was already set.</summary>
    public static bool TestAndSet(Span<byte> page, int offset, ulong bit) => (Interlocked.Or(ref U64(page, offset), bit) & bit) != 0;

    /// <summary>Atomically clears <paramref name="bit"/>; returns true if it was set.</summary>
    public static bool TestAndClear(Span<byte> page, int offset, ulong bit) => (Interlocked.And(ref U64(page, offset), ~bit) & bit) != 0;

    /// <summary>Reads bit <paramref name="bit"/> of the 64-bit word at <paramref name="offset"/>, atomically.</summary>
    public static bool Test(Span<byte> page, int offset, ulong bit) => (Volatile.Read(ref U64(page, offset)) & bit) != 0;

    /// <summary>Reads the 64-bit little-endian word at <paramref name="offset"/>, atomically.</summary>
    public static ulong ReadU64(Span<byte> page, int offset) => Volatile.Read(ref U64(page, offset));

    /// <summary>Atomically replaces the u64 and returns the old value (xchg).</summary>
    public static ulong ExchangeU64(Span<byte> page, int offset, ulong value) => Interlocked.Exchange(ref U64(page, offset), value);

    /// <summary>Reads the 32-bit little-endian word at <paramref name="offset"/>, atomically.</summary>
    public static uint ReadU32(Span<byte> page, int offset) => Volatile.Read(ref U32(page, offset));

    /// <summary>Writes the 32-bit little-endian word at <paramref name="offset"/>, atomically.</summary>
    public static void WriteU32(Span<byte> page, int offset, uint value) => Volatile.Write(ref U32(page, offset), value);

    /// <summary>Reads the byte at <paramref name="offset"/>, atomically.</summary>
    public static byte ReadU8(Span<byte> page, int offset) => Volatile.Read(ref page[offset]);

    /// <summary>Writes the byte at <paramref name="offset"/>, atomically.</summary>
    public static void WriteU8(Span<byte> page, int offset, byte value) => Volatile.Write(ref page[offset], value);

    /// <summary>Atomically sets a u8 flag to <paramref name="value"/> and returns the old value.</summary>
    public static byte ExchangeU8(Span<byte> page, int offset, byte value) => Interlocked.Exchange(ref page[offset], value);

    private static ref ulong U64(Span<byte> page, int offset)
    {
        CheckAligned(page, offset, 8);
        return ref Unsafe.As<byte, ulong>(ref page[offset]);
    }

    private static ref uint U32(Span<byte> page, int offset)
    {
        CheckAligned(page, offset, 4);
        return ref Unsafe.As<byte, uint>(ref page[offset]);
    }

    private static void CheckAligned(Span<byte> page, int offset, int size)
    {
        if ((offset & (size - 1)) != 0 || (uint)offset > (uint)(page.Length - size))
        {
            throw new ArgumentOutOfRangeException(nameof(offset), offset, $"a shared {size}-byte field must be aligned and inside the page");
        }
    }
}
