namespace XvifSim.Guest;

/// <summary>
/// Makes <c>await</c> in guest-kernel code resume on the domain's vCPU, as a
/// sleeping kernel thread resumes on its CPU: continuations are queued with
/// IVcpu.Schedule instead of running on whatever thread completed the task.
/// </summary>
internal sealed class VcpuSynchronizationContext(Public.IVcpu vcpu) : SynchronizationContext
{
    public override void Post(SendOrPostCallback d, object? state) => vcpu.Schedule(() => RunInside(() => d(state)));

    public override void Send(SendOrPostCallback d, object? state) =>
        throw new NotSupportedException("guest code never blocks waiting for its own vCPU");

    public override SynchronizationContext CreateCopy() => this;

    /// <summary>Runs <paramref name="work"/> with this context current, so awaits inside it come back here.</summary>
    public void RunInside(Action work)
    {
        SynchronizationContext? previous = Current;
        SetSynchronizationContext(this);
        try
        {
            work();
        }
        finally
        {
            SetSynchronizationContext(previous);
        }
    }
}
