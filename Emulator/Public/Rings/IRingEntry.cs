namespace XvifSim.Public.Rings;

/// <summary>
/// One entry of a shared ring as its public header lays it out (netif.h's
/// request and response structs): its size and how it is written. Lets the
/// ring trace record any entry a driver copied out of a ring with one
/// generic method (<see cref="Trace.RingTrace.Consumed{T}"/>).
/// </summary>
public interface IRingEntry
{
    /// <summary>The entry's size in bytes (its struct's Size).</summary>
    static abstract int EntrySize { get; }

    /// <summary>Writes the entry's bytes into <paramref name="entry"/>, which is <see cref="EntrySize"/> long.</summary>
    void Write(Span<byte> entry);
}
