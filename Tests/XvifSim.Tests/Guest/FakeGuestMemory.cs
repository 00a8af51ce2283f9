using XvifSim.Public;
using XvifSim.Public.Memory;

namespace XvifSim.Tests.Guest;

/// <summary>
/// A guest's memory as plain arrays, made on first touch, for <see cref="FakeGuest"/>
/// (Moq cannot set up a method that returns a span).
/// </summary>
internal sealed class FakeGuestMemory(PhysMap layout) : IGuestMemory
{
    private readonly Dictionary<Gfn, byte[]> _pages = [];

    public PhysMap Layout => layout;

    public Span<byte> Page(Gfn gfn) => PageAt(gfn);

    public Memory<byte> PageMemory(Gfn gfn) => PageAt(gfn);

    public bool IsPresent(Gfn gfn) => gfn.Value < layout.End.Value;

    /// <summary>The array behind <paramref name="gfn"/>, zero-filled on first touch.</summary>
    public byte[] PageAt(Gfn gfn)
    {
        if (!_pages.TryGetValue(gfn, out byte[]? page))
        {
            page = new byte[XenPage.Size];
            _pages[gfn] = page;
        }

        return page;
    }
}
