namespace XvifSim.Public;

/// <summary>
/// A free-running ring index, io/ring.h's <c>RING_IDX</c> (u32). Indices wrap
/// at 2^32; differences and comparisons are made in u32 arithmetic so they
/// stay right across the wrap (io/ring.h: "(prod - cons)").
/// </summary>
public readonly record struct RingIndex(uint Value)
{
    /// <summary>The index <paramref name="count"/> entries later, wrapping at 2^32 as RING_IDX does.</summary>
    public static RingIndex operator +(RingIndex index, uint count) => new(unchecked(index.Value + count));

    /// <summary>The index <paramref name="count"/> entries earlier, wrapping at 2^32.</summary>
    public static RingIndex operator -(RingIndex index, uint count) => new(unchecked(index.Value - count));

    /// <summary>The distance from <paramref name="older"/> forward to <paramref name="newer"/>, modulo 2^32.</summary>
    public static uint operator -(RingIndex newer, RingIndex older) => unchecked(newer.Value - older.Value);

    /// <summary>The slot this index falls in, for a ring of <paramref name="size"/> entries (a power of two).</summary>
    public int Slot(uint size) => (int)(Value & (size - 1));

    /// <summary>
    /// True if this index lies in the half-open window [<paramref name="from"/>, <paramref name="from"/> + <paramref name="length"/>),
    /// measured forward across the wrap.
    /// </summary>
    public bool IsWithin(RingIndex from, uint length) => this - from < length;

    /// <summary>The index in decimal.</summary>
    public override string ToString() => Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
