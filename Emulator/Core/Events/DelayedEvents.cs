using XvifSim.Emulator.Scheduling;
using XvifSim.Public;

namespace XvifSim.Emulator.Events;

/// <summary>
/// Sends a fault plan held back (<see cref="Faults.EvtchnFaultAction.Delay"/>),
/// done at their deadline on a timer of the hypervisor's own, as Xen's timer
/// softirq runs work outside any guest. The timer's vCPU is made on the first
/// delay, so a machine without delay faults schedules exactly as before.
/// Sends due at the same time go in the order they were held back.
/// </summary>
internal sealed class DelayedEvents(Machine machine)
{
    private readonly Lock _lock = new();
    private readonly List<(ulong DeadlineNs, EventChannels Sender, EvtchnPort Port)> _held = [];
    private IVcpuContext? _timer;

    /// <summary>Holds <paramref name="sender"/>'s send on <paramref name="port"/> back for <paramref name="delayNs"/>.</summary>
    public void Add(EventChannels sender, EvtchnPort port, ulong delayNs)
    {
        ulong deadline = SchedulerTime.AddSaturating(machine.Scheduler.NowNs, delayNs);
        lock (_lock)
        {
            _timer ??= machine.Scheduler.CreateVcpu(DomId.Xen, e => machine.Console.Write(machine.Dom0, $"(XEN) delayed event: internal error: {e}"));

            // After every entry due no later, so equal deadlines keep their order.
            int at = _held.FindLastIndex(h => h.DeadlineNs <= deadline) + 1;
            _held.Insert(at, (deadline, sender, port));
            if (at == 0)
            {
                _timer.SetTimer(deadline, Fire);
            }
        }
    }

    private void Fire()
    {
        List<(ulong DeadlineNs, EventChannels Sender, EvtchnPort Port)> due;
        lock (_lock)
        {
            ulong now = machine.Scheduler.NowNs;
            int count = _held.FindIndex(h => h.DeadlineNs > now);
            count = count < 0 ? _held.Count : count;
            due = _held.GetRange(0, count);
            _held.RemoveRange(0, count);
            if (_held.Count > 0)
            {
                _timer!.SetTimer(_held[0].DeadlineNs, Fire);
            }
        }

        // A port closed or re-bound meanwhile answers EINVAL or raises its new
        // peer, as a send made at this moment would.
        foreach ((_, EventChannels sender, EvtchnPort port) in due)
        {
            sender.SendUnfaulted(port);
        }
    }
}
