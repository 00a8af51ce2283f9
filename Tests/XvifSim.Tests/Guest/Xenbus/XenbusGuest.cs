using XvifSim.Emulator.Domains;
using XvifSim.Guest;
using XvifSim.Guest.Xenbus;

namespace XvifSim.Tests.Guest.Xenbus;

/// <summary>One domain of a <see cref="XenbusTestBed"/> with its kernel and xenbus client.</summary>
internal sealed record XenbusGuest(Domain Domain, GuestKernel Kernel, XenbusClient Client)
{
    /// <summary>The domain's home, where its relative paths resolve.</summary>
    public string Home => $"/local/domain/{Domain.Id.Value}";

    /// <summary>The name ThreadedScheduler gives the domain's vCPU thread.</summary>
    public string VcpuThreadName => $"vcpu {Domain.Id}";
}
