namespace XvifSim.Emulator.Scheduling;

/// <summary>
/// The armed timers of a <see cref="ThreadedScheduler"/>'s vCPUs, earliest
/// first, so that an idle pCPU knows how long it may sleep and a waking one
/// finds the due timers without looking at every vCPU (Xen keeps one timer
/// heap per pCPU, xen/common/timer.c; one heap suffices for a few pCPUs).
/// <para>
/// A vCPU has at most one live entry: arming a later deadline than the
/// entry's leaves the entry, which on coming due is pushed again for the
/// later deadline; arming an earlier one pushes a new entry and the old one
/// becomes stale (its deadline no longer matches
/// <see cref="ThreadedVcpu.QueuedTimerNs"/>) and is dropped when it surfaces.
/// A cancelled vCPU's entry likewise finds nothing armed; a shut-down
/// vCPU's entries are removed at once.
/// </para>
/// </summary>
internal sealed class VcpuTimers
{
    private readonly PriorityQueue<ThreadedVcpu, ulong> _heap = new();
    private ulong _earliestNs = ulong.MaxValue;

    /// <summary>Guards the heap and every vCPU's timer fields.</summary>
    public Lock SyncRoot { get; } = new();

    /// <summary>The earliest entry's deadline (ulong.MaxValue: none); read without the lock as a hint.</summary>
    public ulong EarliestNs => Volatile.Read(ref _earliestNs);

    /// <summary>Makes sure an entry for <paramref name="vcpu"/> comes due by <paramref name="deadlineNs"/>. True when it is now the earliest of all. Lock held.</summary>
    public bool Arm(ThreadedVcpu vcpu, ulong deadlineNs)
    {
        if (deadlineNs >= vcpu.QueuedTimerNs)
        {
            return false;
        }

        vcpu.QueuedTimerNs = deadlineNs;
        _heap.Enqueue(vcpu, deadlineNs);
        if (deadlineNs >= _earliestNs)
        {
            return false;
        }

        Volatile.Write(ref _earliestNs, deadlineNs);
        return true;
    }

    /// <summary>Drops <paramref name="vcpu"/>'s entries, so that a shut-down vCPU with a far deadline is not held until then. Lock held; rare (domain destruction), so a linear search is fine.</summary>
    public void Forget(ThreadedVcpu vcpu)
    {
        while (_heap.Remove(vcpu, out _, out _))
        {
        }

        vcpu.QueuedTimerNs = ulong.MaxValue;
        Volatile.Write(ref _earliestNs, _heap.TryPeek(out _, out ulong next) ? next : ulong.MaxValue);
    }

    /// <summary>Wakes every vCPU whose timer is due at <paramref name="nowNs"/>; the vCPU then runs the callback itself.</summary>
    public void FireDue(ulong nowNs)
    {
        lock (SyncRoot)
        {
            while (_heap.TryPeek(out ThreadedVcpu? vcpu, out ulong deadlineNs) && deadlineNs <= nowNs)
            {
                _heap.Dequeue();
                if (deadlineNs != vcpu.QueuedTimerNs)
                {
                    continue;
                }

                vcpu.QueuedTimerNs = ulong.MaxValue;
                if (vcpu.IsShutdown || !vcpu.TimerArmed)
                {
                    continue;
                }

                if (vcpu.TimerDeadlineNs <= nowNs)
                {
                    vcpu.Wake();
                }
                else
                {
                    vcpu.QueuedTimerNs = vcpu.TimerDeadlineNs;
                    _heap.Enqueue(vcpu, vcpu.TimerDeadlineNs);
                }
            }

            Volatile.Write(ref _earliestNs, _heap.TryPeek(out _, out ulong next) ? next : ulong.MaxValue);
        }
    }
}
