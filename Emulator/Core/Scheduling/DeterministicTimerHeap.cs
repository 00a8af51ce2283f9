namespace XvifSim.Emulator.Scheduling;

/// <summary>
/// The armed timers of a <see cref="DeterministicScheduler"/>'s vCPUs as a
/// binary min-heap ordered by (deadline, creation order), so that the next
/// timer is found in O(1) and arming or disarming one costs O(log n) instead
/// of a walk over every vCPU per step: with 1,000 guests that walk dominated a
/// run. The order is the one the walk gave (earliest deadline, the first
/// created on a tie), so a seed interleaves exactly as before. Each vCPU
/// remembers its own slot, so nothing is allocated once the array has grown.
/// Guarded by the scheduler's lock.
/// </summary>
internal sealed class DeterministicTimerHeap
{
    private DeterministicVcpu[] _heap = new DeterministicVcpu[16];
    private int _count;

    /// <summary>The vCPU whose timer is due first, or null when none is armed.</summary>
    public DeterministicVcpu? Earliest => _count == 0 ? null : _heap[0];

    /// <summary>Puts <paramref name="vcpu"/> in, or moves it after its deadline changed.</summary>
    public void Update(DeterministicVcpu vcpu)
    {
        if (vcpu.TimerSlot < 0)
        {
            if (_count == _heap.Length)
            {
                Array.Resize(ref _heap, _count * 2);
            }

            Place(vcpu, _count++);
        }

        Restore(vcpu.TimerSlot);
    }

    /// <summary>Takes <paramref name="vcpu"/> out if it is in.</summary>
    public void Remove(DeterministicVcpu vcpu)
    {
        int slot = vcpu.TimerSlot;
        if (slot < 0)
        {
            return;
        }

        vcpu.TimerSlot = -1;
        DeterministicVcpu last = _heap[--_count];
        _heap[_count] = null!;
        if (slot < _count)
        {
            Place(last, slot);
            Restore(slot);
        }
    }

    private static bool Before(DeterministicVcpu a, DeterministicVcpu b) =>
        a.TimerDeadlineNs < b.TimerDeadlineNs || (a.TimerDeadlineNs == b.TimerDeadlineNs && a.Order < b.Order);

    private void Place(DeterministicVcpu vcpu, int slot)
    {
        _heap[slot] = vcpu;
        vcpu.TimerSlot = slot;
    }

    /// <summary>Sifts the vCPU at <paramref name="slot"/> up or down to where the order wants it.</summary>
    private void Restore(int slot)
    {
        DeterministicVcpu vcpu = _heap[slot];
        while (slot > 0 && Before(vcpu, _heap[(slot - 1) / 2]))
        {
            int parent = (slot - 1) / 2;
            Place(_heap[parent], slot);
            slot = parent;
        }

        while (true)
        {
            int child = 2 * slot + 1;
            if (child >= _count)
            {
                break;
            }

            if (child + 1 < _count && Before(_heap[child + 1], _heap[child]))
            {
                child++;
            }

            if (!Before(_heap[child], vcpu))
            {
                break;
            }

            Place(_heap[child], slot);
            slot = child;
        }

        Place(vcpu, slot);
    }
}
