using XvifSim.Public;

namespace XvifSim.Emulator.Grants;

/// <summary>
/// A mapper's table of grant handles (Xen's maptrack, grant_table.c). It
/// grows a maptrack frame at a time, up to max_maptrack_frames. Free slots
/// form a list taken from the head and given back at the tail, so a freed
/// handle is not reused at once. As in Xen, the list always keeps its tail
/// slot (a new slot is linked after it), so with one vCPU at most
/// frames * <see cref="EntriesPerFrame"/> - 1 handles are live at once.
/// Guarded by the owning table's lock.
/// </summary>
internal sealed class Maptrack
{
    /// <summary>MAPTRACK_PER_PAGE: PAGE_SIZE / sizeof(struct grant_mapping), a 16-byte record.</summary>
    public const int EntriesPerFrame = XenPage.Size / 16;

    /// <summary>MAPTRACK_TAIL: the end of the free list.</summary>
    private const uint Tail = uint.MaxValue;

    private readonly MaptrackEntry[]?[] _frames;
    private int _nrFrames;
    private uint _head = Tail;
    private uint _tail = Tail;

    public Maptrack(uint maxFrames) => _frames = new MaptrackEntry[]?[maxFrames];

    /// <summary>Slots allocated so far (Xen's maptrack_limit); every handle below it names a slot.</summary>
    public uint Limit => (uint)_nrFrames * EntriesPerFrame;

    public ref MaptrackEntry this[uint handle] => ref _frames[handle / EntriesPerFrame]![handle % EntriesPerFrame];

    /// <summary>get_maptrack_handle: a free slot, adding a frame when only the tail is left. False when the limit is reached.</summary>
    public bool TryGet(out uint handle)
    {
        if (_head != Tail)
        {
            uint next = this[_head].NextFree;
            if (next != Tail)
            {
                handle = _head;
                _head = next;
                return true;
            }
        }

        if (_nrFrames == _frames.Length)
        {
            handle = Tail;
            return false;
        }

        // Hand out the new frame's first slot and put the rest before the
        // current head; the old list (ending at the kept tail) follows them.
        uint first = Limit;
        var slots = new MaptrackEntry[EntriesPerFrame];
        for (uint i = 0; i < EntriesPerFrame - 1; i++)
        {
            slots[i].NextFree = first + i + 1;
        }

        slots[EntriesPerFrame - 1].NextFree = _head;
        if (_tail == Tail)
        {
            _tail = first + EntriesPerFrame - 1;
        }

        _frames[_nrFrames++] = slots;
        _head = first + 1;
        handle = first;
        return true;
    }

    /// <summary>put_maptrack_handle: clears the slot and appends it to the free list.</summary>
    public void Put(uint handle)
    {
        ref MaptrackEntry slot = ref this[handle];
        slot = default;
        slot.NextFree = Tail;
        this[_tail].NextFree = handle;
        _tail = handle;
    }
}
