namespace XvifSim.Guest.Timers;

/// <summary>
/// One software timer of a guest kernel (a callout, NetBSD's callout_t):
/// armed for a delay, it calls its action once on the domain's vCPU unless
/// stopped first. Re-arming moves the deadline. Made by <see cref="GuestTimers.Create"/>.
/// </summary>
public sealed class GuestTimer
{
    private readonly GuestTimers _owner;

    internal GuestTimer(GuestTimers owner, Action expired)
    {
        _owner = owner;
        Expired = expired;
    }

    internal Action Expired { get; }

    /// <summary>System time (ns) at which it fires, while armed.</summary>
    internal ulong DeadlineNs { get; set; }

    /// <summary>True while the timer is armed and has not fired.</summary>
    public bool IsArmed { get; internal set; }

    /// <summary>callout_schedule: fire after <paramref name="delay"/>. An error (VIRQ_TIMER could not be bound) leaves it unarmed.</summary>
    public Public.Errno Start(TimeSpan delay) => _owner.Arm(this, delay);

    /// <summary>callout_stop: it will not fire (until started again).</summary>
    public void Stop() => _owner.Disarm(this);
}
