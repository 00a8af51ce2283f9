using XvifSim.Emulator.Domains;
using XvifSim.Emulator.Scheduling;
using XvifSim.Guest;
using XvifSim.Guest.Xenbus;

namespace XvifSim.Tests.Guest.Xenbus;

/// <summary>One domain of a <see cref="XenbusTestBed"/> with its kernel and xenbus client.</summary>
internal sealed record XenbusGuest(Domain Domain, GuestKernel Kernel, XenbusClient Client)
{
    /// <summary>The domain's home, where its relative paths resolve.</summary>
    public string Home => $"/local/domain/{Domain.Id.Value}";

    /// <summary>True when the calling thread is running this domain's vCPU now (a ThreadedScheduler pCPU in its turn).</summary>
    public bool OnOwnThreadedVcpu => ThreadedVcpu.Current == Domain.Vcpu.Context;
}
