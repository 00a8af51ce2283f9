namespace XvifSim.Guest;

/// <summary>
/// NetBSD's softint(9): a handler established once, scheduled from the data
/// path, that runs later on the domain's vCPU, once however often it was
/// scheduled before it ran. A driver uses it to do per-batch work (a ring
/// push, a notification) after the frames of one burst have all arrived,
/// rather than per frame. Scheduling allocates nothing. Used only on its vCPU.
/// </summary>
public sealed class SoftInterrupt
{
    private readonly GuestKernel _kernel;
    private readonly Action _run;
    private bool _scheduled;

    internal SoftInterrupt(GuestKernel kernel, Action handler, Action<Action> runInside)
    {
        _kernel = kernel;
        Action handle = () =>
        {
            _scheduled = false;
            handler();
        };
        _run = () => runInside(handle);
    }

    /// <summary>Scheduled and not yet run.</summary>
    public bool IsScheduled => _scheduled;

    /// <summary>softint_schedule: the handler runs after the work already queued on the vCPU.</summary>
    public void Schedule()
    {
        if (_scheduled)
        {
            return;
        }

        _scheduled = true;
        _kernel.Hypercalls.Vcpu.Schedule(_run);
    }
}
