using XvifSim.Public;
using XvifSim.Public.Events;

namespace XvifSim.Guest.Timers;

/// <summary>
/// The guest kernel's software timers, multiplexed over the one hardware
/// timer a PV vCPU has: VCPUOP_set_singleshot_timer, which raises VIRQ_TIMER.
/// The earliest deadline of the armed timers is programmed; on VIRQ_TIMER the
/// expired ones run (on the vCPU, in deadline order) and the next deadline is
/// programmed. The VIRQ_TIMER port is bound (EVTCHNOP_bind_virq) when the
/// first timer is armed and closed when none is left armed, so an idle
/// kernel holds no port. Runs on the domain's vCPU only.
/// </summary>
public sealed class GuestTimers
{
    private readonly GuestKernel _kernel;
    private readonly List<GuestTimer> _armed = [];
    private readonly List<GuestTimer> _expired = [];
    private EvtchnPort _port;
    private bool _bound;

    internal GuestTimers(GuestKernel kernel) => _kernel = kernel;

    /// <summary>Timers armed now.</summary>
    public int Armed => _armed.Count;

    /// <summary>A new, unarmed timer that runs <paramref name="expired"/> when it fires.</summary>
    public GuestTimer Create(Action expired) => new(this, expired);

    internal Errno Arm(GuestTimer timer, TimeSpan delay)
    {
        if (!_bound)
        {
            var bind = new EvtchnBindVirq { Virq = Virq.Timer, Vcpu = _kernel.Hypercalls.Vcpu.Id };
            Errno error = _kernel.Hypercalls.EventChannel.BindVirq(ref bind);
            if (error != Errno.Ok)
            {
                return error;
            }

            _port = bind.Port;
            _bound = true;
            _kernel.Events.Bind(_port, _ => OnTimer());
        }

        timer.DeadlineNs = _kernel.Hypercalls.Vcpu.SystemTimeNs + (ulong)Math.Max(0, delay.Ticks) * 100;
        if (!timer.IsArmed)
        {
            timer.IsArmed = true;
            _armed.Add(timer);
        }

        Program();
        return Errno.Ok;
    }

    internal void Disarm(GuestTimer timer)
    {
        if (timer.IsArmed)
        {
            timer.IsArmed = false;
            _armed.Remove(timer);
            Program();
        }
    }

    private void OnTimer()
    {
        ulong now = _kernel.Hypercalls.Vcpu.SystemTimeNs;
        foreach (GuestTimer timer in _armed)
        {
            if (timer.DeadlineNs <= now)
            {
                _expired.Add(timer);
            }
        }

        _expired.Sort((a, b) => a.DeadlineNs.CompareTo(b.DeadlineNs));
        foreach (GuestTimer timer in _expired)
        {
            timer.IsArmed = false;
            _armed.Remove(timer);
        }

        // Program before running the actions, so one that re-arms its timer
        // (a periodic watchdog) reprograms from a consistent list.
        Program();
        foreach (GuestTimer timer in _expired)
        {
            timer.Expired();
        }

        _expired.Clear();
    }

    /// <summary>Programs the earliest deadline, or stops the hardware timer and releases the port when nothing is armed.</summary>
    private void Program()
    {
        if (_armed.Count == 0)
        {
            _kernel.Hypercalls.Vcpu.StopSingleshotTimer();
            if (_bound)
            {
                _bound = false;
                _kernel.Events.Unbind(_port);
                _kernel.Hypercalls.EventChannel.Close(_port);
            }

            return;
        }

        ulong earliest = ulong.MaxValue;
        foreach (GuestTimer timer in _armed)
        {
            earliest = Math.Min(earliest, timer.DeadlineNs);
        }

        _kernel.Hypercalls.Vcpu.SetSingleshotTimer(earliest);
    }
}
